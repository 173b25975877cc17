using System.Diagnostics;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// Redis crashing, restarting without its data, and cutting connections, while streams stay open: every event a
/// publisher was told succeeded reaches every stream on its channels exactly once and in order. Each test has a
/// redis-server of its own, since it kills it or cuts everyone's connections.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisOutageTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(1);

    // Generous for a loaded machine, yet far from a hang.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Across_a_redis_crash_and_a_restart_without_its_data_every_acknowledged_event_arrives_once_in_order()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(server.Url, options => options.PublishTimeout = PublishTimeout, environment: "Production");
        var (a, b) = ($"crash-a-{Guid.NewGuid():N}", $"crash-b-{Guid.NewGuid():N}");
        var ledger = new PublishLedger();
        (string Query, string[] Channels)[] streams = [($"?channel={a}", [a]), ($"?channel={a}", [a]), ($"?channel={b}", [b]), ($"?channel={a}&channel={b}", [a, b])];
        var sessions = new List<BrowserSession>();
        foreach (var (query, _) in streams)
        {
            sessions.Add(await BrowserSession.StartAsync(host, query));
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.True(await ledger.TryPublishAsync(host.Publisher, i % 2 == 0 ? a : b, "before", i));
        }

        // Delivered before the crash: a crash of a Redis without persistence loses whatever is still in flight.
        await WaitForAllAcknowledgedAsync(sessions, streams.Select(stream => stream.Channels), ledger);
        await server.KillAsync();

        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            Assert.False(await ledger.TryPublishAsync(host.Publisher, i % 2 == 0 ? a : b, "during", i));
            Assert.True(clock.Elapsed < PublishTimeout + Margin, $"A publish while Redis is down took {clock.Elapsed}.");
        }

        await server.StartAgainAsync();

        // Another instance publishes right away, each event while this process's subscription is certainly down: only
        // the restarted Redis's history has them.
        await using (var probe = await RedisProbe.ConnectAsync(server))
        {
            foreach (var (channel, sequence) in new[] { (a, 0), (b, 1) })
            {
                var label = ledger.NextLabel("elsewhere", sequence);
                Assert.Equal(0, await RedisAdmin.CutSubscriptionsAndPublishAsync(probe, channel, label));
                ledger.Record(new PublishAttempt(label, channel, "elsewhere", sequence, Acknowledged: true));
            }
        }

        for (var i = 0; i < 10; i++)
        {
            await ledger.PublishUntilAcknowledgedAsync(host.Publisher, i % 2 == 0 ? a : b, "after", i);
        }

        await WaitForAllAcknowledgedAsync(sessions, streams.Select(stream => stream.Channels), ledger);
        await PublishMarkersAsync(host, ledger, sessions, streams.Select(stream => stream.Channels), a, b);
        for (var i = 0; i < sessions.Count; i++)
        {
            ledger.AssertExactlyOnceInOrder(sessions[i].Events, streams[i].Channels);
            Assert.Equal(1, sessions[i].Connections);
            await sessions[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task While_another_instance_keeps_publishing_cut_connections_lose_nothing_and_duplicate_nothing()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(server.Url, options => options.PublishTimeout = PublishTimeout, environment: "Production");
        await using var otherInstance = await SseTestHost.StartAsync(server.Url, options => options.PublishTimeout = PublishTimeout, environment: "Production");
        await using var probe = await RedisProbe.ConnectAsync(server);
        var (a, b) = ($"cut-a-{Guid.NewGuid():N}", $"cut-b-{Guid.NewGuid():N}");
        var ledger = new PublishLedger();
        (string Query, string[] Channels)[] streams = [($"?channel={a}", [a]), ($"?channel={b}", [b]), ($"?channel={a}&channel={b}", [a, b])];
        var sessions = new List<BrowserSession>();
        foreach (var (query, _) in streams)
        {
            sessions.Add(await BrowserSession.StartAsync(host, query));
        }

        using var stopPublishing = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; !stopPublishing.IsCancellationRequested; i++)
            {
                await ledger.TryPublishAsync(otherInstance.Publisher, i % 2 == 0 ? a : b, "other", i);

                // Pacing only, so the ledger stays small; the cuts still fall between publishes at random.
                await Task.Delay(TimeSpan.FromMilliseconds(2));
            }
        });

        for (var round = 0; round < 9; round++)
        {
            var acknowledged = ledger.Attempts.Count(attempt => attempt.Acknowledged);
            await WaitUntilAsync(() => ledger.Attempts.Count(attempt => attempt.Acknowledged) >= acknowledged + 5, "the other instance publishes");
            switch (round % 3)
            {
                case 0:
                    await probe.Database.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
                    break;
                case 1:
                    var label = ledger.NextLabel("probe", round);
                    Assert.Equal(0, await RedisAdmin.CutSubscriptionsAndPublishAsync(probe, round % 2 == 0 ? a : b, label));
                    ledger.Record(new PublishAttempt(label, round % 2 == 0 ? a : b, "probe", round, Acknowledged: true));
                    break;
                default:
                    // Two connections each under RESP2; under RESP3 pub/sub may share the interactive one.
                    var cut = await RedisAdmin.CutPackageConnectionsAsync(probe);
                    Assert.True(cut >= (RedisServer.Protocol == "resp3" ? 2 : 4), $"Both instances should have had their connections cut, and {cut} were.");
                    break;
            }

            // Recovered before the next cut: everything acknowledged so far arrives.
            await WaitForAllAcknowledgedAsync(sessions, streams.Select(stream => stream.Channels), ledger);
        }

        await stopPublishing.CancelAsync();
        await publishing;
        await PublishMarkersAsync(host, ledger, sessions, streams.Select(stream => stream.Channels), a, b);
        for (var i = 0; i < sessions.Count; i++)
        {
            ledger.AssertExactlyOnceInOrder(sessions[i].Events, streams[i].Channels);
            Assert.Equal(1, sessions[i].Connections);
            await sessions[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task A_publish_that_timed_out_may_still_be_published_once_redis_answers_and_then_arrives_once()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(server.Url, options => options.PublishTimeout = TimeSpan.FromMilliseconds(500), environment: "Production");
        await using var probe = await RedisProbe.ConnectAsync(server);
        var channel = $"late-{Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        // A Redis that holds every command, as a stalled server or a congested network would.
        await probe.Database.ExecuteAsync("CLIENT", "PAUSE", 2000, "ALL");
        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(() => host.Publisher.PublishAsync("timed out", channel: channel));
        Assert.Contains("may still be published", exception.Message, StringComparison.Ordinal);

        var item = await stream.NextAsync();
        Assert.Equal("timed out", item.Data);
        await host.Publisher.PublishAsync("next", channel: channel);
        Assert.Equal("next", (await stream.NextAsync()).Data);
    }

    private static async Task WaitForAllAcknowledgedAsync(List<BrowserSession> sessions, IEnumerable<string[]> channels, PublishLedger ledger)
    {
        foreach (var (session, sessionChannels) in sessions.Zip(channels))
        {
            await session.WaitUntilAsync(
                events => ledger.AllAcknowledgedReceived(events, sessionChannels),
                $"every acknowledged event of {string.Join('/', sessionChannels)}",
                events => ledger.Missing(events, sessionChannels));
        }
    }

    /// <summary>
    /// A last acknowledged event per channel, once everything before it arrived: nothing unexpected can then still be on
    /// its way, since it would be older than the marker.
    /// </summary>
    private static async Task PublishMarkersAsync(SseTestHost host, PublishLedger ledger, List<BrowserSession> sessions, IEnumerable<string[]> channels, params string[] markerChannels)
    {
        for (var i = 0; i < markerChannels.Length; i++)
        {
            await ledger.PublishUntilAcknowledgedAsync(host.Publisher, markerChannels[i], "marker", i);
        }

        await WaitForAllAcknowledgedAsync(sessions, channels, ledger);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        while (!condition())
        {
            Assert.False(deadline.IsCancellationRequested, $"Not in time: {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
