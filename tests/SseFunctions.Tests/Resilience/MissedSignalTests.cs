using System.Net.ServerSentEvents;
using SseFunctions.Brokers;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// A resume that history cannot serve in full gets the documented <c>sse-missed</c> event, with reason
/// <c>expired</c> (trimmed by count or age) or <c>unknown</c> (not a position this history ever had), and then the
/// stream goes on live. A resume history can serve gets no signal.
/// </summary>
public sealed class MissedSignalTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task An_id_older_than_what_history_keeps_gets_expired_then_what_is_kept_then_live_events()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, options => options.HistoryMaxLength = 10, environment: "Production");
        var channel = $"trimmed-{Guid.NewGuid():N}";
        var ids = await PublishNumberedAsync(host, channel, 300);

        await using var stream = await host.OpenStreamAsync($"?channel={channel}", ids[0]);
        var signal = await stream.NextAsync();
        Assert.Equal("sse-missed", signal.EventType);
        Assert.Equal($$"""{"lastEventId":"{{ids[0]}}","reason":"expired"}""", signal.Data);
        Assert.Null(signal.EventId);

        var kept = new List<SseItem<string>>();
        while (kept.Count == 0 || kept[^1].Data != "299")
        {
            kept.Add(await stream.NextAsync());
        }

        Assert.Equal(Enumerable.Range(290, 10).Select(number => $"{number}"), kept.Select(item => item.Data));
        await AssertGoesOnLiveAsync(host, stream, channel);
    }

    [Fact]
    public async Task An_id_within_history_gets_no_signal_only_what_followed_it()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, options => options.HistoryMaxLength = 10, environment: "Production");
        var channel = $"kept-{Guid.NewGuid():N}";
        var ids = await PublishNumberedAsync(host, channel, 300);

        await using var stream = await host.OpenStreamAsync($"?channel={channel}&lastEventId={ids[296]}");

        Assert.Equal(["297", "298", "299"], [(await stream.NextAsync()).Data, (await stream.NextAsync()).Data, (await stream.NextAsync()).Data]);
        await AssertGoesOnLiveAsync(host, stream, channel);
    }

    [Theory]
    [InlineData("99999999999999-0")]
    [InlineData("abc")]
    public async Task An_id_history_never_had_gets_unknown_and_the_stream_goes_on_live(string lastEventId)
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        var channel = $"unknown-{Guid.NewGuid():N}";
        await PublishNumberedAsync(host, channel, 3);

        await using var stream = await host.OpenStreamAsync($"?channel={channel}", lastEventId);

        var signal = await stream.NextAsync();
        Assert.Equal("sse-missed", signal.EventType);
        Assert.Equal($$"""{"lastEventId":"{{lastEventId}}","reason":"unknown"}""", signal.Data);
        await AssertGoesOnLiveAsync(host, stream, channel);
    }

    [Fact]
    public async Task An_id_older_than_any_this_redis_assigned_gets_unknown_then_all_it_keeps()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        var channel = $"older-{Guid.NewGuid():N}";
        await PublishNumberedAsync(host, channel, 3);

        await using var stream = await host.OpenStreamAsync($"?channel={channel}", "1-1");

        Assert.Equal("""{"lastEventId":"1-1","reason":"unknown"}""", (await stream.NextAsync()).Data);
        Assert.Equal(["0", "1", "2"], [(await stream.NextAsync()).Data, (await stream.NextAsync()).Data, (await stream.NextAsync()).Data]);
        await AssertGoesOnLiveAsync(host, stream, channel);
    }

    [Fact]
    public async Task An_id_from_before_redis_lost_its_data_gets_unknown_then_everything_published_since()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(server.Url, environment: "Production");
        var channel = $"wiped-{Guid.NewGuid():N}";
        var before = await PublishNumberedAsync(host, channel, 2);
        await server.KillAsync();
        await server.StartAgainAsync();
        var ledger = new PublishLedger();
        await ledger.PublishUntilAcknowledgedAsync(host.Publisher, channel, "after-restart", 0);

        await using var stream = await host.OpenStreamAsync($"?channel={channel}", before[0]);

        var signal = await stream.NextAsync();
        Assert.Equal($$"""{"lastEventId":"{{before[0]}}","reason":"unknown"}""", signal.Data);
        var acknowledged = ledger.Attempts.Single(attempt => attempt.Acknowledged).Label;
        var replayed = new List<SseItem<string>>();
        while (replayed.Count == 0 || replayed[^1].Data != acknowledged)
        {
            replayed.Add(await stream.NextAsync());
        }

        ledger.AssertExactlyOnceInOrder(replayed, channel);
        await AssertGoesOnLiveAsync(host, stream, channel);
    }

    [Fact]
    public async Task Once_a_quiet_channels_history_aged_out_an_id_before_its_last_event_gets_expired()
    {
        var maxAge = TimeSpan.FromMilliseconds(300);
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, options => options.HistoryMaxAge = maxAge, environment: "Production");
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        var channel = $"aged-{Guid.NewGuid():N}";
        var ids = await PublishNumberedAsync(host, channel, 2);

        // The history key expires a max age after its newest event: wait for Redis to say it is gone.
        using (var deadline = new CancellationTokenSource(SseTestClient.Patience))
        {
            while (await probe.Database.KeyExistsAsync(new RedisKeyLayout(new SseOptions().KeyPrefix).History(channel)))
            {
                await Task.Delay(maxAge / 3, deadline.Token);
            }
        }

        await using var missedOne = await host.OpenStreamAsync($"?channel={channel}", ids[0]);
        Assert.Equal($$"""{"lastEventId":"{{ids[0]}}","reason":"expired"}""", (await missedOne.NextAsync()).Data);
        await AssertGoesOnLiveAsync(host, missedOne, channel);
    }

    [Fact]
    public async Task A_publisher_may_not_choose_the_id_while_history_assigns_positions()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => host.Publisher.PublishAsync("data", id: "my-id", channel: "ids"));

        Assert.Equal("id", exception.ParamName);
        Assert.Contains("Sse:HistoryEnabled", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Publishes "0", "1", … in turn; returns the ids a stream on the channel received for them.</summary>
    private static async Task<List<string>> PublishNumberedAsync(SseTestHost host, string channel, int count)
    {
        await using var recorder = await host.OpenStreamAsync($"?channel={channel}");
        var ids = new List<string>(count);
        for (var number = 0; number < count; number++)
        {
            await host.Publisher.PublishAsync($"{number}", channel: channel);
        }

        for (var number = 0; number < count; number++)
        {
            var item = await recorder.NextAsync();
            Assert.Equal($"{number}", item.Data);
            ids.Add(item.EventId!);
        }

        return ids;
    }

    private static async Task AssertGoesOnLiveAsync(SseTestHost host, SseTestClient stream, string channel)
    {
        var marker = $"live-{Guid.NewGuid():N}";
        await host.Publisher.PublishAsync(marker, channel: channel);
        var item = await stream.NextAsync();
        Assert.Equal(marker, item.Data);
        Assert.False(stream.TryTake(out var extra), $"Unexpected event after the live one: {extra.Data}");
    }
}
