using System.Text;
using SseFunctions.Events;

namespace SseFunctions.Tests.Events;

public sealed class EnvelopeDecoderTests
{
    [Theory]
    [InlineData("{\"data\":\"Hello!\"}", "Hello!")]
    [InlineData("{\"data\":\"\"}", "")]
    [InlineData("{\"data\":\"line one\\nline two\\r\\n\\\"quoted\\\"\"}", "line one\nline two\r\n\"quoted\"")]
    [InlineData("{\"data\":\"caf\\u00e9 \\ud83d\\ude00 \\u003cb\\u003e\"}", "caf\u00e9 \U0001F600 <b>")]
    [InlineData("{\"data\":\"caf\u00e9 \U0001F600\"}", "caf\u00e9 \U0001F600")]
    [InlineData("{\"data\":\"{\\\"already\\\":\\\"json\\\"}\"}", "{\"already\":\"json\"}")]
    public void String_data_is_unescaped(string payload, string expectedData)
    {
        var envelope = Decode(payload);

        Assert.Equal(expectedData, envelope.DataText);
    }

    [Theory]
    [InlineData("{\"data\":{\"message\":\"Hello!\"}}", "{\"message\":\"Hello!\"}")]
    [InlineData("{\"data\": {\"message\": \"Hello!\", \"n\": [1, 2]}}", "{\"message\": \"Hello!\", \"n\": [1, 2]}")]
    [InlineData("{\"data\":[1,\"two\",null]}", "[1,\"two\",null]")]
    [InlineData("{\"data\":42}", "42")]
    [InlineData("{\"data\":-1.5e3}", "-1.5e3")]
    [InlineData("{\"data\":null}", "null")]
    [InlineData("{\"data\":true}", "true")]
    [InlineData("{\"data\":false}", "false")]
    [InlineData("{\"data\":{\"escaped\":\"caf\\u00e9\"}}", "{\"escaped\":\"caf\\u00e9\"}")]
    public void Data_of_any_other_JSON_type_is_passed_through_as_written(string payload, string expectedData)
    {
        var envelope = Decode(payload);

        Assert.Equal(expectedData, envelope.DataText);
    }

    [Fact]
    public void Missing_optional_fields_are_null()
    {
        Assert.Equal(new SseEnvelope("x", null, null, null), Decode("{\"data\":\"x\"}"));
    }

    [Fact]
    public void Null_type_id_and_retry_are_treated_as_absent()
    {
        Assert.Equal(new SseEnvelope("x", null, null, null), Decode("{\"data\":\"x\",\"type\":null,\"id\":null,\"retry\":null}"));
    }

    [Fact]
    public void All_fields_are_read_in_any_order()
    {
        var envelope = Decode("{\"retry\":1500,\"id\":\"1700000000000-2\",\"type\":\"greeting\",\"data\":\"x\"}");

        Assert.Equal(new SseEnvelope("x", "greeting", "1700000000000-2", 1500), envelope);
    }

    [Theory]
    [InlineData("{\"data\":\"x\",\"id\":42}", "42")]
    [InlineData("{\"data\":\"x\",\"id\":0}", "0")]
    [InlineData("{\"data\":\"x\",\"id\":\"\"}", "")]
    public void An_id_from_Python_may_be_an_integer(string payload, string expectedId)
    {
        Assert.Equal(expectedId, Decode(payload).Id);
    }

    [Fact]
    public void Unknown_keys_are_ignored_whatever_their_value()
    {
        var envelope = Decode("{\"channel\":\"news\",\"data\":\"x\",\"extra\":{\"deep\":[1,{\"data\":\"not me\"}]},\"type\":\"t\",\"z\":null}");

        Assert.Equal(new SseEnvelope("x", "t", null, null), envelope);
    }

    [Fact]
    public void A_Flask_SSE_envelope_as_Python_json_dumps_writes_it_is_accepted()
    {
        // json.dumps({"data": {"message": "Hello!"}, "type": "greeting", "id": 7, "retry": 2000}), ensure_ascii=True.
        var payload = "{\"data\": {\"message\": \"Hello!\", \"caf\\u00e9\": 1}, \"type\": \"greeting\", \"id\": 7, \"retry\": 2000}";

        var envelope = Decode(payload);

        Assert.Equal(new SseEnvelope("{\"message\": \"Hello!\", \"caf\\u00e9\": 1}", "greeting", "7", 2000), envelope);
    }

    [Fact]
    public void Whitespace_around_the_object_is_allowed()
    {
        Assert.Equal("x", Decode(" \r\n\t{ \"data\" : \"x\" }\n ").DataText);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"data\":\"x\"", "not valid JSON")]
    [InlineData("{\"data\":\"x\",}", "not valid JSON")]
    [InlineData("{\"data\":'x'}", "not valid JSON")]
    [InlineData("{\"data\":\"x\"} trailing", "not valid JSON")]
    [InlineData("{\"data\":\"x\"}{\"data\":\"y\"}", "not valid JSON")]
    [InlineData("[\"data\",\"x\"]", "not a JSON object")]
    [InlineData("\"x\"", "not a JSON object")]
    [InlineData("42", "not a JSON object")]
    [InlineData("null", "not a JSON object")]
    [InlineData("{}", "no 'data'")]
    [InlineData("{\"type\":\"t\",\"id\":\"1\"}", "no 'data'")]
    [InlineData("{\"Data\":\"x\"}", "no 'data'")]
    [InlineData("{\"data\":\"x\",\"type\":5}", "'type' is not a string")]
    [InlineData("{\"data\":\"x\",\"type\":true}", "'type' is not a string")]
    [InlineData("{\"data\":\"x\",\"type\":{\"a\":1}}", "'type' is not a string")]
    [InlineData("{\"data\":\"x\",\"type\":[\"t\"]}", "'type' is not a string")]
    [InlineData("{\"data\":\"x\",\"type\":\"a\\nb\"}", "event type must not contain CR or LF")]
    [InlineData("{\"data\":\"x\",\"type\":\"a\\rb\"}", "event type must not contain CR or LF")]
    [InlineData("{\"data\":\"x\",\"id\":\"a\\nb\"}", "event id must not contain CR, LF or NUL")]
    [InlineData("{\"data\":\"x\",\"id\":\"a\\rb\"}", "event id must not contain CR, LF or NUL")]
    [InlineData("{\"data\":\"x\",\"id\":\"a\\u0000b\"}", "event id must not contain CR, LF or NUL")]
    [InlineData("{\"data\":\"x\",\"id\":{\"a\":1}}", "'id' is not a string or a number")]
    [InlineData("{\"data\":\"x\",\"id\":false}", "'id' is not a string or a number")]
    [InlineData("{\"data\":\"x\",\"retry\":-1}", "retry hint is a count of milliseconds")]
    [InlineData("{\"data\":\"x\",\"retry\":1.5}", "'retry' is not a whole number")]
    [InlineData("{\"data\":\"x\",\"retry\":\"1000\"}", "'retry' is not a whole number")]
    [InlineData("{\"data\":\"x\",\"retry\":1e30}", "'retry' is not a whole number")]
    public void A_payload_that_is_not_a_safe_envelope_is_refused_with_the_reason(string payload, string expectedReason)
    {
        var accepted = EnvelopeDecoder.TryDecode(Encoding.UTF8.GetBytes(payload), out _, out var problem);

        Assert.False(accepted);
        Assert.Contains(expectedReason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_in_a_string_is_refused_rather_than_thrown()
    {
        byte[] payload = [.. "{\"data\":\"a"u8, 0xFF, 0xFE, .. "\"}"u8];

        var accepted = EnvelopeDecoder.TryDecode(payload, out _, out var problem);

        Assert.False(accepted);
        Assert.Contains("UTF-8", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_in_a_type_is_refused_rather_than_thrown()
    {
        byte[] payload = [.. "{\"data\":1,\"type\":\""u8, 0xC3, .. "\"}"u8];

        Assert.False(EnvelopeDecoder.TryDecode(payload, out _, out var problem));
        Assert.Contains("UTF-8", problem, StringComparison.Ordinal);
    }

    private static SseEnvelope Decode(string payload)
    {
        Assert.True(EnvelopeDecoder.TryDecode(Encoding.UTF8.GetBytes(payload), out var envelope, out var problem), problem);
        Assert.Equal(string.Empty, problem);
        return envelope;
    }
}
