using System.Net.ServerSentEvents;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// A browser reconnecting with its last event id in the middle of a burst of concurrent publishes, on a stream of two
/// channels: what the first connection got and what the second gets together are every event once, in order.
/// </summary>
public sealed class ResumeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Iterations = 20;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resuming_mid_burst_by_header_or_query_loses_nothing_and_repeats_nothing(bool withRedis)
    {
        await using var host = await SseTestHost.StartAsync(
            withRedis ? redis.Server.Url : null,
            options => options.HistoryMaxLength = 100_000,
            environment: withRedis ? "Production" : "Development");
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var (a, b) = ($"resume-a-{Guid.NewGuid():N}", $"resume-b-{Guid.NewGuid():N}");
            var query = $"?channel={a}&channel={b}";
            var ledger = new PublishLedger();
            using var stop = new CancellationTokenSource();
            var first = await host.OpenStreamAsync(query);

            // Three publishers at once, two of them on the same channel.
            (string Name, string Channel)[] publishing = [("p0", a), ("p1", a), ("p2", b)];
            var publishers = publishing
                .Select(publisher => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        Assert.True(await ledger.TryPublishAsync(host.Publisher, publisher.Channel, publisher.Name, i));

                        // Pacing only, so that the test reader keeps up and the ledger stays small.
                        await Task.Delay(TimeSpan.FromMilliseconds(1));
                    }
                }))
                .ToList();

            var firstEvents = new List<SseItem<string>>();
            while (firstEvents.Count < 5 + iteration)
            {
                firstEvents.Add(await first.NextAsync());
            }

            // Closed mid-burst; whatever the client had parsed by then counts, as in a browser.
            await first.DisposeAsync();
            while (first.TryTake(out var item))
            {
                firstEvents.Add(item);
            }

            // Long enough away that the replay reads a good part of history while the publishers go on: the replay
            // of one channel and the other's overlap publishes on both.
            var published = ledger.Attempts.Count;
            while (ledger.Attempts.Count < published + 150)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5));
            }

            var lastEventId = firstEvents[^1].EventId!;
            var byQuery = iteration % 2 == 1;
            await using var session = await BrowserSession.StartAsync(host, query, byQuery, lastEventId);
            await session.WaitUntilAsync(events => events.Count >= 5, "events after the resume");
            await stop.CancelAsync();
            await Task.WhenAll(publishers);
            Assert.True(await ledger.TryPublishAsync(host.Publisher, a, "marker", 0));
            Assert.True(await ledger.TryPublishAsync(host.Publisher, b, "marker", 1));
            await session.WaitUntilAsync(
                events => ledger.AllAcknowledgedReceived([.. firstEvents, .. events], a, b),
                "every event",
                events => ledger.Missing([.. firstEvents, .. events], a, b));

            Assert.DoesNotContain(session.Events, item => item.EventType == "sse-missed");
            ledger.AssertExactlyOnceInOrder([.. firstEvents, .. session.Events], a, b);
            Assert.Equal(1, session.Connections);
        }
    }

    [Fact]
    public async Task Without_history_ids_chosen_by_publishers_are_never_taken_for_positions_to_skip()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, options => options.HistoryEnabled = false, environment: "Production");
        var channel = $"own-ids-{Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={channel}", "9-9");

        await host.Publisher.PublishAsync("first", id: "5-1", channel: channel);
        await host.Publisher.PublishAsync("second", id: "3-1", channel: channel);

        var first = await stream.NextAsync();
        var second = await stream.NextAsync();
        Assert.Equal(("first", "5-1"), (first.Data, first.EventId));
        Assert.Equal(("second", "3-1"), (second.Data, second.EventId));
    }
}
