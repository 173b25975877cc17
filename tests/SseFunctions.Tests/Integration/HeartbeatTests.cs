using System.Net.ServerSentEvents;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>An idle stream gets a comment every heartbeat interval, which keeps proxies from closing it and is no event.</summary>
public sealed class HeartbeatTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Heartbeat = ": heartbeat\n\n";

    [Fact]
    public async Task An_idle_stream_gets_heartbeat_comments()
    {
        await using var host = await SseTestHost.StartAsync(
            redis.Server.Url,
            options => options.HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            environment: "Production");
        var channel = $"idle-{Guid.NewGuid():N}";
        await using var stream = await RawSseReader.OpenAsync(host.Client, $"/stream?channel={channel}");

        await stream.WaitUntilAsync(text => RawSseReader.Count(text, Heartbeat) >= 3);

        // The opening, then nothing but heartbeats.
        Assert.Matches(@"^:\n\nretry: 2000\n\n(: heartbeat\n\n){3}", stream.Text);
    }

    [Fact]
    public async Task Heartbeats_never_reach_the_application_as_events()
    {
        await using var host = await SseTestHost.StartAsync(
            redis.Server.Url,
            options => options.HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            environment: "Production");
        var channel = $"beat-{Guid.NewGuid():N}";
        await using var stream = await RawSseReader.OpenAsync(host.Client, $"/stream?channel={channel}");

        await stream.WaitUntilAsync(text => RawSseReader.Count(text, Heartbeat) >= 2);
        await host.Publisher.PublishAsync("between heartbeats", channel: channel);
        await stream.WaitUntilAsync(text => text.Contains("data: between heartbeats\n", StringComparison.Ordinal));
        await stream.WaitUntilAsync(text => RawSseReader.Count(text[text.IndexOf("data: between heartbeats", StringComparison.Ordinal)..], Heartbeat) >= 1);

        using var bytes = new MemoryStream(stream.Bytes);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(bytes).EnumerateAsync())
        {
            items.Add(item);
        }

        Assert.Equal("between heartbeats", Assert.Single(items).Data);
    }
}
