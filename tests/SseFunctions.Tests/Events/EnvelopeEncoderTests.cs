using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SseFunctions.Events;

namespace SseFunctions.Tests.Events;

public sealed class EnvelopeEncoderTests
{
    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;

    public static TheoryData<object?, string> NonStringData => new()
    {
        { new { Message = "Hello!", UnreadCount = 2 }, "{\"message\":\"Hello!\",\"unreadCount\":2}" },
        { new List<int> { 1, 2, 3 }, "[1,2,3]" },
        { 42, "42" },
        { 3.5, "3.5" },
        { null, "null" },
        { true, "true" },
        { false, "false" },
        { new Dictionary<string, object?> { ["a"] = null }, "{\"a\":null}" },
    };

    [Fact]
    public void Only_data_type_id_and_retry_are_written()
    {
        var envelope = EnvelopeEncoder.EncodeClosed(new { Message = "x" }, "greeting", "my-id", 1000, Web);

        Assert.Equal(["data", "id", "retry", "type"], Keys(envelope));
    }

    [Fact]
    public void Absent_optional_fields_are_left_out_rather_than_written_as_null()
    {
        var envelope = EnvelopeEncoder.EncodeClosed("x", null, null, null, Web);

        Assert.Equal("{\"data\":\"x\"}", Encoding.UTF8.GetString(envelope));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("{\"looks\":\"like json\"}")]
    [InlineData("quotes \" and \\ backslashes\r\nand breaks")]
    [InlineData("caf\u00e9 \U0001F600 <script>")]
    public void String_data_stays_a_JSON_string(string data)
    {
        var envelope = EnvelopeEncoder.EncodeClosed(data, null, null, null, Web);

        using var json = JsonDocument.Parse(envelope);
        var value = json.RootElement.GetProperty("data");
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal(data, value.GetString());
    }

    [Theory]
    [MemberData(nameof(NonStringData))]
    public void Any_other_data_is_serialized_as_JSON_with_web_defaults(object? data, string expectedJson)
    {
        var envelope = EnvelopeEncoder.EncodeClosed(data, null, null, null, Web);

        using var json = JsonDocument.Parse(envelope);
        Assert.Equal(expectedJson, json.RootElement.GetProperty("data").GetRawText());
    }

    [Fact]
    public void Type_id_and_retry_have_their_JSON_types()
    {
        var envelope = EnvelopeEncoder.EncodeClosed("x", "a \"quoted\" type", "id\u00e9", 0, Web);

        using var json = JsonDocument.Parse(envelope);
        Assert.Equal("a \"quoted\" type", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("id\u00e9", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("retry").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("retry").GetInt32());
    }

    [Fact]
    public void The_open_envelope_lacks_only_its_closing_brace_and_never_has_an_id()
    {
        var open = EnvelopeEncoder.EncodeOpen(new { A = 1 }, "t", 500, Web);

        Assert.NotEqual((byte)'}', open[^1]);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(open));
        Assert.Equal(["data", "retry", "type"], Keys([.. open, (byte)'}']));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("greeting", null)]
    [InlineData(null, 3000)]
    [InlineData("greeting", 3000)]
    public void Closing_an_open_envelope_gives_the_same_JSON_as_encoding_it_closed_with_that_id(string? type, int? retry)
    {
        var data = new { Message = "Hello!", Items = new[] { "a\nb" } };
        var closed = EnvelopeEncoder.Close(EnvelopeEncoder.EncodeOpen(data, type, retry, Web), new EventPosition(1700000000000, 7));

        var expected = JsonNode.Parse(EnvelopeEncoder.EncodeClosed(data, type, "1700000000000-7", retry, Web));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(closed)), Encoding.UTF8.GetString(closed));
    }

    [Fact]
    public void A_closed_id_is_the_position_as_text_for_every_reader_and_marked_as_the_packages_in_the_bytes()
    {
        var closed = EnvelopeEncoder.Close(EnvelopeEncoder.EncodeOpen("x", null, null, Web), new EventPosition(1700000000000, 7));

        Assert.EndsWith(",\"id\":\"1700000000000\\u002d7\"}", Encoding.UTF8.GetString(closed), StringComparison.Ordinal);
        Assert.Equal("1700000000000-7", JsonNode.Parse(closed)!["id"]!.GetValue<string>());
        Assert.True(EnvelopeDecoder.TryDecode(closed, out var decoded, out var problem), problem);
        Assert.Equal(new EventPosition(1700000000000, 7), decoded.Position);
    }

    [Fact]
    public void What_the_encoder_writes_the_decoder_reads_back()
    {
        var envelope = EnvelopeEncoder.EncodeClosed(new { Text = "line\nbreak" }, "t", "7", 250, Web);

        Assert.True(EnvelopeDecoder.TryDecode(envelope, out var decoded, out var problem), problem);
        Assert.Equal(new SseEnvelope("{\"text\":\"line\\nbreak\"}", "t", "7", 250), decoded);
    }

    private static string[] Keys(byte[] envelope)
    {
        using var json = JsonDocument.Parse(envelope);
        return [.. json.RootElement.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)];
    }
}
