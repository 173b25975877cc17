using System.Net;
using System.Text;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Streaming;

public sealed class StreamResponseUnitTests
{
    [Fact]
    public async Task A_stream_has_the_event_stream_headers()
    {
        await using var host = await SseTestHost.StartAsync(redisUrl: null);

        using var response = await host.Client.GetAsync("/stream?channel=news", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.CacheControl?.NoCache, "Cache-Control: no-cache");
        Assert.Equal(["no"], response.Headers.GetValues("X-Accel-Buffering"));
        Assert.Equal(["identity"], response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task The_opening_comment_and_retry_hint_arrive_before_any_event_is_published()
    {
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.ReconnectInterval = TimeSpan.FromMilliseconds(2500));
        using var response = await host.Client.GetAsync("/stream?channel=news", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        var opening = await ReadAtLeastAsync(body, ":\n\nretry: 2500\n\n".Length);

        Assert.Equal(":\n\nretry: 2500\n\n", Encoding.UTF8.GetString(opening));
    }

    [Fact]
    public async Task Without_a_reconnect_interval_the_stream_opens_with_the_comment_alone()
    {
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.ReconnectInterval = null);
        using var response = await host.Client.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        var opening = await ReadAtLeastAsync(body, 3);
        await host.Publisher.PublishAsync("after", type: "t");
        var rest = await ReadAtLeastAsync(body, "event: t\ndata: after\nid: ".Length);

        Assert.Equal(":\n\n", Encoding.UTF8.GetString(opening));
        Assert.StartsWith("event: t\ndata: after\nid: ", Encoding.UTF8.GetString(rest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_retry_hint_reaches_the_parser()
    {
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.ReconnectInterval = TimeSpan.FromSeconds(3));
        await using var stream = await host.OpenStreamAsync("?channel=news");

        await host.Publisher.PublishAsync("x", channel: "news");
        await stream.NextAsync();

        Assert.Equal(TimeSpan.FromSeconds(3), stream.ReconnectionInterval);
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes came, with a deadline instead of a sleep.</summary>
    private static async Task<byte[]> ReadAtLeastAsync(Stream body, int count)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        var buffer = new byte[4096];
        var read = await body.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: true, deadline.Token);
        return buffer[..read];
    }
}
