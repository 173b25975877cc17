using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SseFunctions.Diagnostics;
using SseFunctions.Framing;
using SseFunctions.Streaming;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// The hub's recovery after the broker lost its subscription connection, driven step by step through a scripted broker:
/// what was published meanwhile comes from history, what arrives live during the recovery waits, and each event reaches
/// each stream once, in position order, however the steps interleave.
/// </summary>
public sealed class ChannelHubRecoveryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ScriptedBroker _broker = new();
    private readonly ChannelHub _hub;

    public ChannelHubRecoveryTests()
    {
        var options = new SseOptions();
        _hub = new ChannelHub(_broker, options, new SseMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<ChannelHub>.Instance);
    }

    [Fact]
    public async Task Events_published_while_the_subscription_was_down_arrive_after_the_restore_before_later_ones_each_once()
    {
        var stream = await OpenAsync("a");
        _broker.Publish("a", "1");

        _broker.LoseSubscriptions();
        _broker.Publish("a", "2", live: false);
        _broker.Publish("a", "3", live: false);

        // Live again before the hub heard of it: this one is in history too, and must still come once, after 2 and 3.
        _broker.Publish("a", "4");
        _broker.RestoreSubscriptions();
        _broker.Publish("a", "5");

        Assert.Equal(["1", "2", "3", "4", "5"], await TakeAsync(stream, 5));
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task An_event_published_on_one_channel_while_another_is_read_is_neither_lost_nor_reordered()
    {
        var stream = await OpenAsync("a", "b");
        _broker.LoseSubscriptions();
        _broker.Publish("a", "a1", live: false);
        _broker.Publish("b", "b1", live: false);
        var reads = 0;
        _broker.BeforeRead = channel =>
        {
            if (++reads == 2)
            {
                // Published live after the first channel's history was read, before the second's.
                _broker.Publish(channel == "a" ? "b" : "a", "late-on-the-first-channel-read");
                _broker.Publish(channel, "on-the-second-channel-read");
            }
        };

        _broker.RestoreSubscriptions();

        Assert.Equal(["a1", "b1", "late-on-the-first-channel-read", "on-the-second-channel-read"], await TakeAsync(stream, 4));
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task An_event_arriving_after_a_later_position_of_another_channel_reaches_every_stream_of_its_channel_once()
    {
        // On a Redis Cluster channels of different nodes arrive on different connections: b's later event comes first.
        var single = await OpenAsync("a");
        var both = await OpenAsync("a", "b");
        var a1 = _broker.Publish("a", "a1", live: false);
        _broker.Publish("b", "b2");
        Assert.Equal(["b2"], await TakeAsync(both, 1));

        _broker.DeliverLate("a", a1);
        _broker.Publish("a", "a3");

        Assert.Equal(["a1", "a3"], await TakeAsync(single, 2));
        Assert.Equal(["a1", "a3"], await TakeAsync(both, 2));
        AssertNothingMore(single);
        AssertNothingMore(both);
    }

    [Fact]
    public async Task A_recovery_reads_each_channel_after_its_own_last_event_and_a_late_live_copy_is_not_repeated()
    {
        var single = await OpenAsync("a");
        var both = await OpenAsync("a", "b");
        var a1 = _broker.Publish("a", "a1", live: false);
        _broker.Publish("b", "b2");
        Assert.Equal(["b2"], await TakeAsync(both, 1));

        // a1 was on a's connection when it was replaced: only history has it now, though b got further.
        _broker.LoseSubscriptions();
        _broker.RestoreSubscriptions();
        _broker.Publish("a", "a3");
        _broker.DeliverLate("a", a1);

        Assert.Equal(["a1", "a3"], await TakeAsync(single, 2));
        Assert.Equal(["a1", "a3"], await TakeAsync(both, 2));
        AssertNothingMore(single);
        AssertNothingMore(both);
    }

    [Fact]
    public async Task After_a_loss_during_a_recovery_live_events_wait_until_the_next_restore_filled_the_new_gap()
    {
        var stream = await OpenAsync("a");
        _broker.LoseSubscriptions();
        _broker.Publish("a", "1", live: false);
        _broker.BeforeRead = _ =>
        {
            _broker.BeforeRead = null;
            _broker.LoseSubscriptions();
        };

        _broker.RestoreSubscriptions();
        Assert.Equal(["1"], await TakeAsync(stream, 1));

        _broker.Publish("a", "2", live: false);
        _broker.Publish("a", "3");
        AssertNothingMore(stream);

        _broker.RestoreSubscriptions();
        Assert.Equal(["2", "3"], await TakeAsync(stream, 2));
        _broker.Publish("a", "4");
        Assert.Equal(["4"], await TakeAsync(stream, 1));
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task While_history_cannot_be_read_live_events_wait_and_the_gap_arrives_first_once_it_can()
    {
        var stream = await OpenAsync("a");
        _broker.LoseSubscriptions();
        _broker.Publish("a", "1", live: false);
        _broker.Unreachable = true;
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _broker.BeforeRead = _ => firstRead.TrySetResult();

        _broker.RestoreSubscriptions();
        _broker.Publish("a", "2");
        await firstRead.Task.WaitAsync(Infrastructure.SseTestClient.Patience);
        AssertNothingMore(stream);
        _broker.Unreachable = false;

        Assert.Equal(["1", "2"], await TakeAsync(stream, 2));
        Assert.True(_broker.Reads.Count >= 2, "The hub should have read history again after the failed attempt.");
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task A_history_error_that_is_no_outage_releases_the_live_events_instead_of_freezing_the_streams()
    {
        var stream = await OpenAsync("a");
        _broker.LoseSubscriptions();
        _broker.Publish("a", "lost-with-the-gap", live: false);
        _broker.Publish("a", "held");
        _broker.ReadFailure = new InvalidOperationException("Scripted: a bug.");

        _broker.RestoreSubscriptions();
        _broker.Publish("a", "after");

        var taken = await TakeAsync(stream, 3);
        Assert.Contains("\"reason\":\"unavailable\"", taken[0], StringComparison.Ordinal);
        Assert.Equal(["held", "after"], taken[1..]);
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task A_channel_first_subscribed_while_redis_is_away_gets_no_old_history_after_the_restore()
    {
        _broker.Publish("a", "old", live: false);
        _broker.LoseSubscriptions();
        _broker.Unreachable = true;
        var stream = await OpenAsync("a");
        _broker.Unreachable = false;

        _broker.RestoreSubscriptions();
        _broker.Publish("a", "new");

        Assert.Equal(["new"], await TakeAsync(stream, 1));
        Assert.DoesNotContain("a", _broker.Reads);
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task A_channel_subscribed_while_redis_is_away_recovers_from_the_last_event_the_process_received()
    {
        var first = await OpenAsync("a");
        _broker.Publish("a", "1");
        _broker.LoseSubscriptions();
        _broker.Unreachable = true;
        var second = await OpenAsync("b");
        _broker.Unreachable = false;
        _broker.Publish("b", "published-while-down", live: false);

        _broker.RestoreSubscriptions();

        Assert.Equal(["1"], await TakeAsync(first, 1));
        Assert.Equal(["published-while-down"], await TakeAsync(second, 1));
        AssertNothingMore(first);
        AssertNothingMore(second);
    }

    [Fact]
    public async Task When_the_subscriptions_never_come_back_the_streams_are_told_and_go_on_live()
    {
        var stream = await OpenAsync("a");
        _broker.Publish("a", "1");
        _broker.NeverLive = true;

        _broker.LoseSubscriptions();
        _broker.Publish("a", "2");

        var taken = await TakeAsync(stream, 3);
        Assert.Equal("1", taken[0]);
        Assert.Contains("\"reason\":\"unavailable\"", taken[1], StringComparison.Ordinal);
        Assert.Equal("2", taken[2]);
        _broker.Publish("a", "3");
        Assert.Equal(["3"], await TakeAsync(stream, 1));
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task Live_events_held_past_the_bound_end_the_wait_with_overflow_instead_of_growing()
    {
        var stream = await OpenAsync(capacity: ChannelHub.MaxHeldWhileRecovering + 10, "a");
        _broker.LoseSubscriptions();
        for (var i = 0; i <= ChannelHub.MaxHeldWhileRecovering; i++)
        {
            _broker.Publish("a", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var first = await TakeAsync(stream, 1);
        Assert.Contains("\"reason\":\"overflow\"", first[0], StringComparison.Ordinal);
        var rest = await TakeAsync(stream, ChannelHub.MaxHeldWhileRecovering + 1);
        Assert.Equal(Enumerable.Range(0, ChannelHub.MaxHeldWhileRecovering + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rest);
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task A_channel_whose_subscribe_failed_is_subscribed_by_the_recovery_once_redis_is_back()
    {
        _broker.SubscribeUnreachable = true;
        var stream = await OpenAsync("a");
        Assert.Equal(0, _broker.SubscriberCount("a"));
        _broker.SubscribeUnreachable = false;

        _broker.LoseSubscriptions();
        _broker.RestoreSubscriptions();
        await WaitForSubscriberAsync("a");
        _broker.Publish("a", "1");

        Assert.Equal(["1"], await TakeAsync(stream, 1));
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task A_gap_longer_than_a_page_is_read_page_by_page_across_channels_in_order()
    {
        var stream = await OpenAsync(capacity: 4 * ChannelHub.RecoveryPageSize, "a", "b");
        _broker.Publish("a", "first");
        _broker.LoseSubscriptions();
        var missed = Enumerable.Range(0, (2 * ChannelHub.RecoveryPageSize) + 7).Select(i => $"m{i}").ToList();
        foreach (var (data, i) in missed.Select((data, i) => (data, i)))
        {
            _broker.Publish(i % 3 == 0 ? "b" : "a", data, live: false);
        }

        var readsBefore = _broker.Reads.Count;
        _broker.RestoreSubscriptions();

        Assert.Equal(["first", .. missed], await TakeAsync(stream, missed.Count + 1));
        Assert.True(_broker.Reads.Count - readsBefore >= 2 * 2, "Both channels should have been read in two rounds of pages.");
        AssertNothingMore(stream);
    }

    [Fact]
    public async Task A_restore_without_a_loss_before_it_reads_no_history_and_changes_nothing()
    {
        var stream = await OpenAsync("a");
        _broker.Publish("a", "1");

        _broker.RestoreSubscriptions();
        _broker.Publish("a", "2");

        Assert.Equal(["1", "2"], await TakeAsync(stream, 2));
        Assert.Empty(_broker.Reads);
        AssertNothingMore(stream);
    }

    public void Dispose()
    {
        _hub.Dispose();
        _services.Dispose();
    }

    private static string DataOf(SseFrame frame)
    {
        var text = Encoding.UTF8.GetString(frame.Bytes);
        var start = text.IndexOf("data: ", StringComparison.Ordinal) + "data: ".Length;
        return text[start..text.IndexOf('\n', start)];
    }

    private static async Task<List<string>> TakeAsync(StreamQueue connection, int count)
    {
        var taken = new List<string>();
        while (taken.Count < count)
        {
            if (connection.TryRead(out var frame))
            {
                taken.Add(DataOf(frame));
                continue;
            }

            Assert.True(
                await connection.WaitToReadAsync().AsTask().WaitAsync(Infrastructure.SseTestClient.Patience),
                $"The stream ended after {string.Join(", ", taken)}.");
        }

        return taken;
    }

    private static void AssertNothingMore(StreamQueue connection) =>
        Assert.False(connection.TryRead(out var frame), $"Unexpected frame: {(frame is null ? null : DataOf(frame))}");

    private Task<StreamQueue> OpenAsync(params string[] channels) => OpenAsync(capacity: 100, channels);

    private async Task WaitForSubscriberAsync(string channel)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (_broker.SubscriberCount(channel) == 0)
        {
            Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < Infrastructure.SseTestClient.Patience, $"'{channel}' was never subscribed.");
            await Task.Yield();
        }
    }

    private async Task<StreamQueue> OpenAsync(int capacity, params string[] channels)
    {
        var connection = new StreamQueue(capacity, deadline: long.MaxValue, now: 0);
        foreach (var channel in channels)
        {
            await _hub.JoinAsync(channel, connection);
        }

        return connection;
    }
}
