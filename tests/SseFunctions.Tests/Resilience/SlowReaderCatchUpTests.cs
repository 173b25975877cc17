using System.Net.ServerSentEvents;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Resilience;

/// <summary>A client that stops reading is ended rather than served forever, and catches up from history when it returns.</summary>
public sealed class SlowReaderCatchUpTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_stream_whose_client_stops_reading_is_ended_and_on_reconnect_catches_up_with_nothing_lost()
    {
        await using var host = await SseTestHost.StartAsync(
            redis.Server.Url,
            options =>
            {
                options.StreamQueueCapacity = 8;
                options.HistoryMaxLength = 10_000;
            },
            environment: "Production");
        using var metrics = new MetricRecorder(host.Services);
        var channel = $"stalled-{Guid.NewGuid():N}";
        var ledger = new PublishLedger();
        using var stalled = await StalledReader.OpenAsync(host.BaseAddress, $"/stream?channel={channel}");
        Assert.True(await ledger.TryPublishAsync(host.Publisher, channel, "first", 0));
        await stalled.ReadFirstEventAsync();

        // Big events fill the socket, the server's buffer and then the stream's queue of 8.
        var data = new string('x', 16 * 1024);
        for (var i = 0; metrics.Total("sse.streams.ended_slow") == 0; i++)
        {
            Assert.True(i < 5_000, "Thousands of big events went to a client that reads nothing, and its stream is still open.");
            await host.Publisher.PublishAsync($"{i}:{data}", channel: channel);
            ledger.Record(new PublishAttempt($"{i}:{data}", channel, "big", i, Acknowledged: true));
        }

        Assert.True(await stalled.WaitUntilServerClosedAsync(SseTestClient.Patience), "The server still holds the stalled stream open.");
        await using var resumed = await BrowserSession.StartAsync(host, $"?channel={channel}", lastEventId: stalled.FirstEventId);
        Assert.True(await ledger.TryPublishAsync(host.Publisher, channel, "after", 0));
        await resumed.WaitUntilAsync(events => ledger.AllAcknowledgedReceived([FirstEvent(stalled, ledger), .. events], channel), "every event since the first");

        ledger.AssertExactlyOnceInOrder([FirstEvent(stalled, ledger), .. resumed.Events], channel);
        Assert.DoesNotContain(resumed.Events, item => item.EventType == "sse-missed");
    }

    private static SseItem<string> FirstEvent(StalledReader stalled, PublishLedger ledger) =>
        new(ledger.Attempts[0].Label) { EventId = stalled.FirstEventId };
}
