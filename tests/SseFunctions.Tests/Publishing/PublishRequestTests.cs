using System.Text;
using System.Text.Json;
using SseFunctions.Publishing;

namespace SseFunctions.Tests.Publishing;

public sealed class PublishRequestTests
{
    [Fact]
    public void Every_field_is_read()
    {
        var request = Parse("""{"data": "Hello!", "type": "greeting", "id": "42", "retry": 1500, "channel": "news"}""", out var problem);

        Assert.Null(problem);
        Assert.Equal(new PublishRequest("Hello!", "greeting", "42", 1500, "news"), request);
    }

    [Fact]
    public void Only_data_is_required_and_the_channel_defaults_to_sse()
    {
        var request = Parse("""{"data": "x"}""", out _);

        Assert.Equal(new PublishRequest("x", null, null, null, "sse"), request);
    }

    [Fact]
    public void Null_optional_fields_count_as_absent()
    {
        var request = Parse("""{"data": "x", "type": null, "id": null, "retry": null, "channel": null}""", out _);

        Assert.Equal(new PublishRequest("x", null, null, null, "sse"), request);
    }

    [Fact]
    public void String_data_is_text_and_other_data_stays_JSON()
    {
        var text = Parse("""{"data": "{\"not\": \"parsed\"}"}""", out _);
        var json = Parse("""{"data": {"message": "Hello!", "n": [1, 2]}}""", out _);
        var nothing = Parse("""{"data": null}""", out _);

        Assert.Equal("{\"not\": \"parsed\"}", text?.Data);
        Assert.Equal("""{"message":"Hello!","n":[1,2]}""", JsonSerializer.Serialize(Assert.IsType<JsonElement>(json?.Data)));
        Assert.NotNull(nothing);
        Assert.Null(nothing.Data);
    }

    [Fact]
    public void A_byte_order_mark_and_surrounding_whitespace_are_accepted()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\n  {\"data\": 1}  \n")).ToArray();

        Assert.NotNull(PublishRequest.Parse(body, out _));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("  \r\n", "empty")]
    [InlineData("{\"data\": ", "not valid JSON")]
    [InlineData("data=hello", "not valid JSON")]
    [InlineData("[\"hello\"]", "must be a JSON object")]
    [InlineData("\"hello\"", "must be a JSON object")]
    [InlineData("{}", "no 'data' field")]
    [InlineData("{\"type\": \"greeting\"}", "no 'data' field")]
    [InlineData("{\"data\": 1, \"type\": 5}", "'type' must be a string")]
    [InlineData("{\"data\": 1, \"id\": 42}", "'id' must be a string")]
    [InlineData("{\"data\": 1, \"channel\": [\"a\"]}", "'channel' must be a string")]
    [InlineData("{\"data\": 1, \"retry\": \"1000\"}", "'retry' must be a whole number")]
    [InlineData("{\"data\": 1, \"retry\": 1.5}", "'retry' must be a whole number")]
    [InlineData("{\"data\": 1, \"retry\": 99999999999}", "'retry' must be a whole number")]
    [InlineData("{\"data\": 1, \"chanel\": \"typo\"}", "unknown field 'chanel'")]
    [InlineData("{\"data\": 1, \"Data\": 2}", "unknown field 'Data'")]
    [InlineData("{\"data\": 1, \"data\": 2}", "'data' appears more than once")]
    public void A_malformed_body_or_a_bad_field_gets_the_reason(string body, string reason)
    {
        var request = Parse(body, out var problem);

        Assert.Null(request);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    private static PublishRequest? Parse(string body, out string? problem) =>
        PublishRequest.Parse(Encoding.UTF8.GetBytes(body), out problem);
}
