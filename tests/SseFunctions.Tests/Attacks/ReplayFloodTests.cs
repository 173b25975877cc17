using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;
using SseFunctions.Tests.Resilience;
using Xunit.Abstractions;

namespace SseFunctions.Tests.Attacks;

/// <summary>
/// The replay flood: a channel holding 1,000 events of 60 KB, and 50 anonymous clients resuming it from the start that
/// never read. Before paged replay, each held its whole replay (61.5 MB a client) and publishes timed out meanwhile.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class ReplayFloodTests(ITestOutputHelper output)
{
    private const int EventSize = 60 * 1000;
    private const int HistoryEvents = 1_000;
    private const int Resumers = 50;

    // "A few MB": a page (256 KiB by default) as read, as framed and as written, and the connection's own buffers.
    private const long BoundPerResumer = 4L * 1024 * 1024;

    [Fact]
    public async Task Fifty_resumers_that_never_read_a_channel_of_60_MB_hold_a_few_MB_each_while_publishes_stay_within_their_timeout()
    {
        // Defaults but the write timeout, so that the stalled resumers stay for the measurement instead of being cut.
        await using var attack = await AttackHost.StartAsync(writeTimeout: TimeSpan.FromMinutes(10));
        var (host, metrics) = (attack.Host, attack.Metrics);
        var channel = $"flood-{Guid.NewGuid():N}";
        await FillHistoryAsync(host.Publisher, channel, new string('x', EventSize), HistoryEvents);

        var idle = new PublishTimings();
        for (var i = 0; i < 50; i++)
        {
            await idle.TimeAsync(() => host.Publisher.PublishAsync("idle", channel: "elsewhere"));
        }

        var before = ServerMemory.Live();
        var during = new PublishTimings();
        using var stopPublishing = new CancellationTokenSource();
        // On another channel: published back to back on the flooded one, they would fill the resumers' queues and end them.
        var publishing = during.RunUntilAsync(() => host.Publisher.PublishAsync("during the flood", channel: "elsewhere"), stopPublishing.Token);
        var resumers = await Task.WhenAll(Enumerable.Range(0, Resumers).Select(_ =>
            StalledReader.OpenAsync(host.BaseAddress, $"/stream?channel={channel}&lastEventId=1-0")));
        try
        {
            await WaitUntilSettledAsync(metrics, "sse.events.replayed", atLeast: Resumers);
            var held = ServerMemory.Live() - before;
            stopPublishing.Cancel();
            await publishing;

            var replayed = metrics.Total("sse.events.replayed");
            output.WriteLine($"Replay flood: {Resumers} resumers of {HistoryEvents:N0} events of {EventSize / 1000} KB that never read.");
            output.WriteLine($"Server memory held: {ServerMemory.Megabytes(held)} in all, {ServerMemory.Megabytes(held / Resumers)} per resumer; {replayed:N0} events replayed before they stalled ({replayed / Resumers} each).");
            output.WriteLine($"Publishes before the flood: {idle}.");
            output.WriteLine($"Publishes during the flood: {during}.");

            Assert.True(held < BoundPerResumer * Resumers, $"The server holds {held:N0} bytes for {Resumers} resumers that read nothing.");
            Assert.Empty(during.Failures);
            Assert.True(during.Count >= 10, $"Only {during.Count} publishes ran during the flood.");
            Assert.True(during.Max < new SseOptions().PublishTimeout, $"A publish during the flood took {during.Max}: {during}.");
            Assert.Equal(Resumers, metrics.Total("sse.streams.open"));
        }
        finally
        {
            foreach (var resumer in resumers)
            {
                resumer.Dispose();
            }
        }
    }

    internal static async Task FillHistoryAsync(ISsePublisher publisher, string channel, string data, int count)
    {
        // A few at a time: fast enough, and Redis assigns positions in the order it runs them anyway.
        for (var i = 0; i < count; i += 8)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(8, count - i)).Select(_ => publisher.PublishAsync(data, channel: channel)));
        }
    }

    /// <summary>
    /// Waits until the instrument's total reached <paramref name="atLeast"/> and stopped moving: the resumers replayed
    /// what their sockets take and are stuck. The bound asserted after holds at any moment; this makes the figure
    /// the settled one rather than one taken half-way.
    /// </summary>
    internal static async Task WaitUntilSettledAsync(MetricRecorder metrics, string instrument, long atLeast)
    {
        Assert.True(await metrics.WaitForAsync(instrument, atLeast, SseTestClient.Patience), $"{instrument} never reached {atLeast}.");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var last = -1L;
        var unchanged = 0;
        while (unchanged < 8 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var total = metrics.Total(instrument);
            unchanged = total == last ? unchanged + 1 : 0;
            last = total;
        }
    }
}
