using System.Text;
using SseFunctions.Brokers;
using SseFunctions.Events;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// The in-memory broker keeps history as Redis does: positions from one counter, trimming by count and age, and the
/// same answers about gaps, so a stream behaves the same in Development as with Redis.
/// </summary>
public sealed class InMemoryBrokerHistoryTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Positions_increase_across_channels_within_one_millisecond_and_the_envelope_carries_them()
    {
        var broker = Broker(new SseOptions());
        var inbox = await broker.SubscribeAsync("a", static () => { });

        var first = await PublishAsync(broker, "a", "1");
        var second = await PublishAsync(broker, "b", "2");
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var third = await PublishAsync(broker, "a", "3");

        Assert.Equal(new EventPosition(first.Milliseconds, 1), second);
        Assert.Equal(new EventPosition(first.Milliseconds + 1, 0), third);
        Assert.Equal(
            [$$"""{"data":"1","id":"{{first.ToMarkedJson()}}"}""", $$"""{"data":"3","id":"{{third.ToMarkedJson()}}"}"""],
            Drain(inbox).Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public async Task Reading_after_a_kept_position_gives_what_followed_on_that_channel_and_no_gap()
    {
        var broker = Broker(new SseOptions());
        var first = await PublishAsync(broker, "a", "1");
        await PublishAsync(broker, "b", "other channel");
        var third = await PublishAsync(broker, "a", "3");

        var read = await broker.ReadHistoryAsync("a", first, HistoryLimit.None, CancellationToken.None);

        Assert.Equal(HistoryGap.None, read.Gap);
        Assert.Equal([third], read.Entries.Select(entry => entry.Position));
        Assert.Equal(third, read.Last);
    }

    [Fact]
    public async Task A_position_trimmed_by_count_reads_as_expired_with_what_is_kept()
    {
        var broker = Broker(new SseOptions { HistoryMaxLength = 3 });
        var positions = new List<EventPosition>();
        for (var i = 0; i < 6; i++)
        {
            positions.Add(await PublishAsync(broker, "a", $"{i}"));
        }

        var trimmed = await broker.ReadHistoryAsync("a", positions[1], HistoryLimit.None, CancellationToken.None);
        var kept = await broker.ReadHistoryAsync("a", positions[2], HistoryLimit.None, CancellationToken.None);

        Assert.Equal(HistoryGap.Expired, trimmed.Gap);
        Assert.Equal(positions[3..], trimmed.Entries.Select(entry => entry.Position));
        Assert.Equal(HistoryGap.None, kept.Gap);
        Assert.Equal(positions[3..], kept.Entries.Select(entry => entry.Position));
    }

    [Fact]
    public async Task A_position_older_than_the_maximum_age_reads_as_expired_once_the_clock_passed_it()
    {
        var broker = Broker(new SseOptions { HistoryMaxAge = TimeSpan.FromMinutes(1) });
        var old = await PublishAsync(broker, "a", "old");
        var newer = await PublishAsync(broker, "a", "newer");
        Assert.Equal(HistoryGap.None, (await broker.ReadHistoryAsync("a", old, HistoryLimit.None, CancellationToken.None)).Gap);

        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));
        var read = await broker.ReadHistoryAsync("a", old, HistoryLimit.None, CancellationToken.None);

        Assert.Equal(HistoryGap.Expired, read.Gap);
        Assert.Empty(read.Entries);
        Assert.Equal(newer, read.Last);
    }

    [Fact]
    public async Task Positions_it_never_assigned_read_as_unknown()
    {
        var broker = Broker(new SseOptions());
        _clock.Advance(TimeSpan.FromSeconds(10));
        var only = await PublishAsync(broker, "a", "1");

        var ahead = await broker.ReadHistoryAsync("a", only with { Sequence = 1 }, HistoryLimit.None, CancellationToken.None);
        var before = await broker.ReadHistoryAsync("a", new EventPosition(only.Milliseconds - 5_000, 0), HistoryLimit.None, CancellationToken.None);

        Assert.Equal(HistoryGap.Unknown, ahead.Gap);
        Assert.Empty(ahead.Entries);
        Assert.Equal(HistoryGap.Unknown, before.Gap);
        Assert.Equal([only], before.Entries.Select(entry => entry.Position));
    }

    [Fact]
    public async Task Concurrent_publishers_reach_a_subscriber_in_position_order()
    {
        var broker = Broker(new SseOptions { HistoryMaxLength = 100_000 });
        var inbox = await broker.SubscribeAsync("a", static () => { });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                await PublishAsync(broker, "a", "x");
            }
        })));

        var received = Drain(inbox).Select(payload =>
        {
            Assert.True(EnvelopeDecoder.TryDecode(payload, out var envelope, out var problem), problem);
            return envelope.Position!.Value;
        }).ToList();
        Assert.Equal(8_000, received.Count);
        Assert.Equal(received.Order(), received);
    }

    private static async Task<EventPosition> PublishAsync(InMemorySseBroker broker, string channel, string data)
    {
        var envelope = EnvelopeEncoder.EncodeOpen(data, type: null, retry: null, System.Text.Json.JsonSerializerOptions.Web);
        var receipt = await broker.PublishAsync(channel, envelope, appendToHistory: true, CancellationToken.None);
        Assert.True(EventPosition.TryParse(receipt.AssignedId, out var position));
        return position;
    }

    private static List<byte[]> Drain(IChannelInbox inbox)
    {
        var messages = new List<byte[]>();
        while (inbox.TryRead(out var payload))
        {
            messages.Add(payload);
        }

        return messages;
    }

    private InMemorySseBroker Broker(SseOptions options) => new(options, _clock);
}
