using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Streaming;

public sealed class RedisStreamingTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_published_event_reaches_a_stream_on_its_channel()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        await using var stream = await host.OpenStreamAsync("?channel=news-1");

        var receivers = await host.Publisher.PublishAsync(new { message = "Hello!" }, type: "greeting", channel: "news-1");
        var item = await stream.NextAsync();

        Assert.Equal(1, receivers);
        Assert.Equal("greeting", item.EventType);
        Assert.Equal("{\"message\":\"Hello!\"}", item.Data);
        Assert.NotNull(item.EventId);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
    }
}
