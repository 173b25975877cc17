using Microsoft.AspNetCore.Http;
using SseFunctions.Streaming;

namespace SseFunctions.Tests.Streaming;

public sealed class StreamRequestTests
{
    [Fact]
    public void Without_a_channel_parameter_the_channel_is_sse()
    {
        var request = Parse(string.Empty);

        Assert.Equal(["sse"], request.Channels);
        Assert.Null(request.LastEventId);
    }

    [Fact]
    public void One_channel_parameter_names_the_channel()
    {
        Assert.Equal(["news"], Parse("?channel=news").Channels);
    }

    [Fact]
    public void Repeated_channel_parameters_name_several_channels_in_order()
    {
        Assert.Equal(["b", "a", "c"], Parse("?channel=b&channel=a&other=x&channel=c").Channels);
    }

    [Fact]
    public void Duplicate_channels_are_collapsed_but_names_stay_case_sensitive()
    {
        Assert.Equal(["a", "b", "A"], Parse("?channel=a&channel=b&channel=a&channel=A&channel=b").Channels);
    }

    [Theory]
    [InlineData("?channel=*", "*")]
    [InlineData("?channel=%3F", "?")]
    [InlineData("?channel=news.*", "news.*")]
    [InlineData("?channel=caf%C3%A9%20%E2%9C%93", "caf\u00e9 \u2713")]
    public void Pattern_characters_and_escapes_give_a_literal_channel(string query, string channel)
    {
        Assert.Equal([channel], Parse(query).Channels);
    }

    [Theory]
    [InlineData("?channel=", "must not be empty")]
    [InlineData("?channel=ok&channel=", "must not be empty")]
    [InlineData("?channel=%00", "control character (U+0000)")]
    [InlineData("?channel=a%0Ab", "control character (U+000A)")]
    [InlineData("?channel=a%C2%85", "control character (U+0085)")]
    [InlineData("?channel=a%7F", "control character (U+007F)")]
    public void A_bad_channel_is_a_problem_with_its_reason(string query, string reason)
    {
        var request = StreamRequest.Parse(Request(query), new SseOptions(), out var problem);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.Empty(request.Channels);
    }

    [Fact]
    public void A_channel_name_over_the_configured_length_is_a_problem()
    {
        StreamRequest.Parse(Request("?channel=abcdef"), new SseOptions { MaxChannelNameLength = 5 }, out var problem);

        Assert.Contains("Sse:MaxChannelNameLength", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void More_channels_than_the_maximum_is_a_problem_naming_the_setting()
    {
        var options = new SseOptions { MaxChannelsPerStream = 2 };

        var request = StreamRequest.Parse(Request("?channel=a&channel=b&channel=c"), options, out var problem);

        Assert.Equal(
            "The stream asks for 3 channels; at most 2 are allowed on one stream (Sse:MaxChannelsPerStream).",
            problem);
        Assert.Empty(request.Channels);
    }

    [Fact]
    public void The_maximum_counts_distinct_channels()
    {
        var options = new SseOptions { MaxChannelsPerStream = 2 };

        var request = StreamRequest.Parse(Request("?channel=a&channel=b&channel=a&channel=b"), options, out var problem);

        Assert.Null(problem);
        Assert.Equal(["a", "b"], request.Channels);
    }

    [Fact]
    public void The_default_maximum_is_ten_channels()
    {
        var ten = string.Join('&', Enumerable.Range(0, 10).Select(index => $"channel=c{index}"));

        Assert.Equal(10, Parse("?" + ten).Channels.Count);
        StreamRequest.Parse(Request($"?{ten}&channel=c10"), new SseOptions(), out var problem);
        Assert.Contains("Sse:MaxChannelsPerStream", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Last_Event_ID_header_is_preferred_over_the_query()
    {
        var http = Request("?lastEventId=9-0");
        http.Headers["Last-Event-ID"] = "5-0";

        Assert.Equal("5-0", StreamRequest.Parse(http, new SseOptions(), out _).LastEventId);
    }

    [Fact]
    public void The_lastEventId_query_parameter_is_used_without_the_header()
    {
        Assert.Equal("9-0", Parse("?channel=a&lastEventId=9-0").LastEventId);
    }

    [Fact]
    public void An_empty_Last_Event_ID_header_falls_back_to_the_query()
    {
        var http = Request("?lastEventId=9-0");
        http.Headers["Last-Event-ID"] = string.Empty;

        Assert.Equal("9-0", StreamRequest.Parse(http, new SseOptions(), out _).LastEventId);
    }

    [Fact]
    public void Empty_last_event_ids_count_as_none()
    {
        var http = Request("?lastEventId=");
        http.Headers["Last-Event-ID"] = string.Empty;

        Assert.Null(StreamRequest.Parse(http, new SseOptions(), out _).LastEventId);
    }

    private static StreamRequest Parse(string query)
    {
        var request = StreamRequest.Parse(Request(query), new SseOptions(), out var problem);
        Assert.Null(problem);
        return request;
    }

    private static HttpRequest Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }
}
