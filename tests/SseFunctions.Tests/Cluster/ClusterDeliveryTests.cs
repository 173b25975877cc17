using Microsoft.Extensions.DependencyInjection;
using SseFunctions.Brokers;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Resilience;

namespace SseFunctions.Tests.Cluster;

/// <summary>
/// Two app servers, each told a different node of a real 3-primary Redis Cluster: streams on one, publishers on the
/// other, channels of slots on different primaries.
/// </summary>
public sealed class ClusterDeliveryTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private RedisCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Every_key_of_one_script_hashes_to_one_slot()
    {
        var keys = new RedisKeyLayout(new SseOptions().KeyPrefix);

        var slots = new HashSet<int>();
        foreach (var key in new[] { keys.LastPosition, keys.FirstPosition, keys.History("news"), keys.History("{other}"), keys.History(string.Empty) })
        {
            slots.Add(await Cluster.SlotOfAsync(key!));
        }

        Assert.Single(slots);
    }

    [Fact]
    public async Task Events_published_through_one_node_reach_streams_of_a_server_on_another_node_once_and_in_order()
    {
        var primaries = await Cluster.PrimariesAsync();
        var channels = await ClusterChannels.OwnedByAsync(Cluster, primaries, "spread");
        await using var streams = await SseTestHost.StartAsync(primaries[0].Url, environment: "Production");
        await using var publishers = await SseTestHost.StartAsync(primaries[1].Url, environment: "Production");
        string[][] subscriptions = [[channels[0]], [channels[1]], channels];
        var sessions = await SessionChecks.OpenAsync(streams, subscriptions);

        var ledger = new PublishLedger();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(publisher => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.True(await ledger.TryPublishAsync(publishers.Publisher, channels[(i + publisher) % 3], $"p{publisher}", i));
            }
        })));

        // Channels on different primaries arrive on different connections: in order within each channel, not across them.
        await SessionChecks.AssertEveryAcknowledgedOnceOnOneStreamAsync(ledger, publishers.Publisher, sessions, subscriptions, acrossChannels: false);
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stream_resuming_with_Last_Event_ID_on_another_node_gets_what_it_missed_on_every_channel()
    {
        var primaries = await Cluster.PrimariesAsync();
        var channels = await ClusterChannels.OwnedByAsync(Cluster, primaries, "resume");
        await using var streams = await SseTestHost.StartAsync(primaries[2].Url, environment: "Production");
        await using var publishers = await SseTestHost.StartAsync(primaries[0].Url, environment: "Production");
        var query = $"?channel={channels[0]}&channel={channels[1]}&channel={channels[2]}";
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var arrived = new List<string>();

        // A browser reads everything, then goes away. Its channels are on three primaries, so they arrive on three
        // connections: each channel in order, the channels in any order among each other.
        await using (var first = await streams.OpenStreamAsync(query))
        {
            for (var i = 0; i < 6; i++)
            {
                await publishers.Publisher.PublishAsync($"event {i}", channel: channels[i % 3]);
            }

            for (var i = 0; i < 6; i++)
            {
                var item = await first.NextAsync();
                Assert.True(ids.TryAdd(item.Data, item.EventId!), $"'{item.Data}' arrived twice.");
                arrived.Add(item.Data);
            }
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"event {i}").Order(StringComparer.Ordinal), arrived.Order(StringComparer.Ordinal));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(arrived.IndexOf($"event {i}") < arrived.IndexOf($"event {i + 3}"), $"Channel {i} out of order: {string.Join(", ", arrived)}.");
        }

        // A resume replays from history, which has one order for every channel: what followed the third event's id.
        await using var resumed = await streams.OpenStreamAsync(query, lastEventId: ids["event 2"]);
        for (var i = 3; i < 6; i++)
        {
            var item = await resumed.NextAsync();
            Assert.Equal($"event {i}", item.Data);
            Assert.Equal(ids[item.Data], item.EventId);
        }

        await publishers.Publisher.PublishAsync("live", channel: channels[1]);
        Assert.Equal("live", (await resumed.NextAsync()).Data);
    }

    [Fact]
    public async Task A_Flask_SSE_envelope_published_raw_on_a_third_node_reaches_the_stream()
    {
        var primaries = await Cluster.PrimariesAsync();
        var channels = await ClusterChannels.OwnedByAsync(Cluster, primaries, "flask");
        var logs = new CapturingLoggerProvider();
        await using var streams = await SseTestHost.StartAsync(
            primaries[0].Url,
            environment: "Production",
            build: builder => builder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        await using var publishers = await SseTestHost.StartAsync(primaries[1].Url, environment: "Production");
        await using var stream = await streams.OpenStreamAsync($"?channel={channels[1]}");

        // A subscription is in place once the package's own event arrives through it.
        await publishers.Publisher.PublishAsync("ours", channel: channels[1]);
        Assert.Equal("ours", (await stream.NextAsync()).Data);

        await RedisCli.RunAsync(primaries[2].Port, "PUBLISH", channels[1], """{"data": {"from": "flask"}, "type": "greeting", "id": "flask-1"}""");

        var item = await stream.NextAsync();
        Assert.Equal("""{"from":"flask"}""", item.Data.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("greeting", item.EventType);
        Assert.Equal("flask-1", item.EventId);
        Assert.Contains(logs.Entries, entry => entry.Message.EndsWith(", a cluster of 3 primaries.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_publish_is_acknowledged_once_a_replica_has_it_and_reported_as_unconfirmed_when_none_does()
    {
        var history = await Cluster.PrimaryOfAsync(new RedisKeyLayout(new SseOptions().KeyPrefix).LastPosition!);
        var replica = await Cluster.ReplicaOfAsync(history);
        await using var publishers = await SseTestHost.StartAsync(history.Url, options => options.PublishTimeout = TimeSpan.FromMilliseconds(500), environment: "Production");
        var waitsBefore = await WaitCallsAsync(history);
        await publishers.Publisher.PublishAsync("confirmed", channel: "replicated");
        Assert.Equal(waitsBefore + 1, await WaitCallsAsync(history));

        // A replica that stops answering for longer than the publish may wait, as one falling behind does. It is asleep
        // once it no longer answers a PING within a moment.
        var sleeping = RedisCli.RunAsync(replica.Port, "DEBUG", "SLEEP", "2");
        while (!sleeping.IsCompleted && await Task.WhenAny(RedisCli.RunAsync(replica.Port, "PING"), Task.Delay(TimeSpan.FromMilliseconds(200))) is Task<string>)
        {
        }

        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(() => publishers.Publisher.PublishAsync("unconfirmed", channel: "replicated"));
        await sleeping;

        Assert.StartsWith($"The event was published, but no replica of 127.0.0.1:{history.Port} confirmed it within 0.5 s", exception.Message, StringComparison.Ordinal);
        await publishers.Publisher.PublishAsync("confirmed again", channel: "replicated");
    }

    private static async Task<long> WaitCallsAsync(RedisServer primary) =>
        RedisCli.Field(await RedisCli.RunAsync(primary.Port, "INFO", "commandstats"), "cmdstat_wait") is { } stats
            ? long.Parse(stats.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : 0;
}
