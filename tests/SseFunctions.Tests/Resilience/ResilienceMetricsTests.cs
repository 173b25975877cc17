using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// The <c>SseFunctions</c> meter and the log tell what happened: streams opening and closing, events published,
/// delivered and replayed, resumes that missed events, a slow stream ended, the Redis subscription coming back.
/// </summary>
public sealed class ResilienceMetricsTests
{
    private static readonly TimeSpan Patience = SseTestClient.Patience;

    [Fact]
    public async Task The_meter_and_the_log_report_streams_events_replays_misses_slow_streams_and_reconnects()
    {
        await using var server = await RedisServer.StartAsync();
        var log = new CapturingLoggerProvider();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options => options.StreamQueueCapacity = 4,
            map: app => app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log),
            environment: "Production");
        using var metrics = new MetricRecorder(host.Services);
        await using var probe = await RedisProbe.ConnectAsync(server);
        var channel = $"metrics-{Guid.NewGuid():N}";

        var live = await host.OpenStreamAsync($"?channel={channel}");
        Assert.True(await metrics.WaitForAsync("sse.streams.open", total => total == 1, Patience));
        foreach (var data in new[] { "1", "2", "3" })
        {
            await host.Publisher.PublishAsync(data, channel: channel);
        }

        var first = await live.NextAsync();
        await live.NextAsync();
        await live.NextAsync();
        Assert.Equal(3, metrics.Total("sse.events.published"));
        Assert.True(await metrics.WaitForAsync("sse.events.delivered", 3, Patience));

        await using (var resumed = await host.OpenStreamAsync($"?channel={channel}", first.EventId))
        {
            Assert.Equal("2", (await resumed.NextAsync()).Data);
            Assert.Equal("3", (await resumed.NextAsync()).Data);
            Assert.Equal(2, metrics.Total("sse.events.replayed"));
            Assert.True(await metrics.WaitForAsync("sse.events.delivered", 5, Patience));
        }

        await using (var unknown = await host.OpenStreamAsync($"?channel={channel}", "abc"))
        {
            Assert.Equal("sse-missed", (await unknown.NextAsync()).EventType);
            Assert.Equal(1, metrics.Total("sse.resume.misses"));
        }

        await probe.Database.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        Assert.True(await metrics.WaitForAsync("sse.redis.reconnects", 1, Patience));
        await WaitForLogAsync(log, LogLevel.Information, "Subscriptions are live again");
        await host.Publisher.PublishAsync("after the reconnect", channel: channel);
        Assert.Equal("after the reconnect", (await live.NextAsync()).Data);
        await live.DisposeAsync();
        Assert.True(await metrics.WaitForAsync("sse.streams.open", total => total == 0, Patience), $"Streams open: {metrics.Total("sse.streams.open")}.");

        // Alone on the channel, so that no other stream of a queue of 4 can be the slow one.
        using (var stalled = await StalledReader.OpenAsync(host.BaseAddress, $"/stream?channel={channel}"))
        {
            await host.Publisher.PublishAsync("first", channel: channel);
            await stalled.ReadFirstEventAsync();
            var big = new string('x', 32 * 1024);
            for (var i = 0; metrics.Total("sse.streams.ended_slow") == 0; i++)
            {
                Assert.True(i < 5_000, "The stalled stream was never ended.");
                await host.Publisher.PublishAsync(big, channel: channel);
            }

            Assert.True(await stalled.WaitUntilServerClosedAsync(Patience), "The server still holds the stalled stream open.");
        }

        Assert.True(await metrics.WaitForAsync("sse.streams.open", total => total == 0, Patience), $"Streams open: {metrics.Total("sse.streams.open")}.");
        Assert.Equal(1, metrics.Total("sse.streams.ended_slow"));

        AssertLogged(log, LogLevel.Warning, "Lost the Redis subscription connection");
        AssertLogged(log, LogLevel.Information, "The Redis subscription connection to");
        AssertLogged(log, LogLevel.Information, "could not get everything it missed (unknown)");
        AssertLogged(log, LogLevel.Warning, "its client read too slowly");
        Assert.DoesNotContain(log.Entries, entry => entry.Level >= LogLevel.Error);
    }

    private static void AssertLogged(CapturingLoggerProvider log, LogLevel level, string part) =>
        Assert.True(
            log.Entries.Any(entry => entry.Level == level && entry.Message.Contains(part, StringComparison.Ordinal)),
            $"No {level} log with '{part}'. Logged:\n{string.Join('\n', log.Entries.Select(entry => $"{entry.Level}: {entry.Message}"))}");

    private static async Task WaitForLogAsync(CapturingLoggerProvider log, LogLevel level, string part)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!log.Entries.Any(entry => entry.Level == level && entry.Message.Contains(part, StringComparison.Ordinal)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
