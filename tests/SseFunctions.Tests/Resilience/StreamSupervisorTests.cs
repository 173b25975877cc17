using SseFunctions.Framing;
using SseFunctions.Streaming;

namespace SseFunctions.Tests.Resilience;

/// <summary>The supervisor's deadlines and endings, on a clock the test moves.</summary>
public sealed class StreamSupervisorTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Streams_end_at_their_own_deadline_spread_by_the_jitter_before_the_maximum_duration()
    {
        var clock = new ManualTimeProvider();
        var options = new SseOptions
        {
            MaxStreamDuration = TimeSpan.FromSeconds(2),
            MaxStreamDurationJitter = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromMilliseconds(400),
        };
        using var supervisor = new StreamSupervisor(options, clock);
        var opened = clock.GetTimestamp();
        var connections = Enumerable.Range(0, 20).Select(_ => supervisor.Open(abortTransport: null, out bool _)!).ToList();
        var endedAt = new Dictionary<StreamQueue, TimeSpan>();

        while (endedAt.Count < connections.Count && clock.GetElapsedTime(opened) < TimeSpan.FromSeconds(3))
        {
            clock.Advance(Step);
            foreach (var connection in connections.Where(connection => connection.EndReason != StreamEndReason.None && !endedAt.ContainsKey(connection)))
            {
                endedAt[connection] = clock.GetElapsedTime(opened);
            }
        }

        Assert.Equal(connections.Count, endedAt.Count);
        foreach (var connection in connections)
        {
            var lifetime = TimeSpan.FromTicks(connection.Deadline - opened);
            Assert.InRange(lifetime, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

            // Swept a quarter of the heartbeat interval apart: ended within that of its deadline.
            Assert.InRange(endedAt[connection], lifetime, lifetime + TimeSpan.FromMilliseconds(100) + Step);
            Assert.Equal(StreamEndReason.MaxDuration, connection.EndReason);
        }

        Assert.True(endedAt.Values.Distinct().Count() > 1, "Every stream ended at the same moment: the jitter spread nothing.");
    }

    [Fact]
    public void A_sweep_allocates_nothing_per_open_stream()
    {
        // Once per second, over every open stream: at 9,000 streams a copy of them each time was 72 KB a second.
        static long AllocatedBySweep(int streams)
        {
            var clock = new ManualTimeProvider();
            using var supervisor = new StreamSupervisor(new SseOptions { HeartbeatInterval = TimeSpan.FromSeconds(4) }, clock);
            var open = Enumerable.Range(0, streams).Select(_ => supervisor.Open(abortTransport: null, out bool _)!).ToList();
            clock.Advance(TimeSpan.FromSeconds(1));
            var before = GC.GetAllocatedBytesForCurrentThread();
            clock.Advance(TimeSpan.FromSeconds(1));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.All(open, stream => Assert.Equal(StreamEndReason.None, stream.EndReason));
            return allocated;
        }

        AllocatedBySweep(10);
        var few = AllocatedBySweep(10);
        var many = AllocatedBySweep(5_000);

        Assert.True(many - few < 1024, $"A sweep over 5,000 streams allocated {many} bytes, over 10 streams {few}.");
    }

    [Fact]
    public void An_ended_stream_keeps_what_was_queued_for_its_writer_and_takes_nothing_more()
    {
        var clock = new ManualTimeProvider();
        using var supervisor = new StreamSupervisor(new SseOptions { MaxStreamDuration = TimeSpan.FromSeconds(1), MaxStreamDurationJitter = TimeSpan.Zero }, clock);
        var connection = supervisor.Open(abortTransport: null, out bool _)!;
        var frame = new SseFrame("data: last\n\n"u8.ToArray(), position: null);
        Assert.True(connection.TryEnqueue(frame));

        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(StreamEndReason.MaxDuration, connection.EndReason);
        Assert.True(connection.TryRead(out var queued));
        Assert.Same(frame, queued);
        Assert.True(connection.TryEnqueue(new SseFrame("data: too late\n\n"u8.ToArray(), position: null)));
        Assert.False(connection.TryRead(out _));
    }

    [Fact]
    public void Once_the_application_stops_open_streams_end_as_shutdown_and_no_new_one_opens()
    {
        using var supervisor = new StreamSupervisor(new SseOptions(), new ManualTimeProvider());
        var open = supervisor.Open(abortTransport: null, out bool _)!;

        supervisor.Stop();

        Assert.Equal(StreamEndReason.Shutdown, open.EndReason);
        Assert.Null(supervisor.Open(abortTransport: null, out var full));
        Assert.False(full);
    }

    [Fact]
    public void A_write_that_does_not_complete_within_the_write_timeout_cuts_the_stream_even_with_nothing_queued()
    {
        var clock = new ManualTimeProvider();
        var options = new SseOptions { WriteTimeout = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromMinutes(1) };
        using var supervisor = new StreamSupervisor(options, clock);
        var cuts = 0;
        var stuck = supervisor.Open(() => cuts++, out bool _)!;
        var writing = supervisor.Open(() => Assert.Fail("A write that completes in time was cut."), out bool _)!;

        stuck.BeginWrite(clock.GetTimestamp());
        writing.BeginWrite(clock.GetTimestamp());
        clock.Advance(TimeSpan.FromSeconds(1));
        writing.EndWrite(clock.GetTimestamp());
        writing.BeginWrite(clock.GetTimestamp());
        Assert.Equal(StreamEndReason.None, stuck.EndReason);

        clock.Advance(TimeSpan.FromSeconds(1.5));

        Assert.Equal(StreamEndReason.Stalled, stuck.EndReason);
        Assert.True(stuck.Stopping.IsCancellationRequested);
        Assert.Equal(1, cuts);
        Assert.Equal(StreamEndReason.None, writing.EndReason);
    }

    [Fact]
    public void A_stream_told_to_end_whose_writer_is_still_stuck_after_the_grace_is_cut()
    {
        var clock = new ManualTimeProvider();
        var options = new SseOptions
        {
            MaxStreamDuration = TimeSpan.FromSeconds(10),
            MaxStreamDurationJitter = TimeSpan.Zero,
            WriteTimeout = TimeSpan.FromMinutes(5),
        };
        using var supervisor = new StreamSupervisor(options, clock);
        var cut = false;
        var stream = supervisor.Open(() => cut = true, out bool _)!;
        clock.Advance(TimeSpan.FromSeconds(9));
        stream.BeginWrite(clock.GetTimestamp());

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(StreamEndReason.MaxDuration, stream.EndReason);
        Assert.False(cut, "Cut at once: the writer had no chance to finish.");

        // The grace is 5 s (the write timeout, if shorter): far less than the write timeout here.
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(cut, "A stream past its maximum duration is still held open by a writer stuck on its client.");
        Assert.Equal(StreamEndReason.MaxDuration, stream.EndReason);
        Assert.True(stream.Stopping.IsCancellationRequested);
    }

    [Fact]
    public void Beyond_the_cap_no_stream_opens_until_one_closes()
    {
        using var supervisor = new StreamSupervisor(new SseOptions { MaxOpenStreams = 2 }, new ManualTimeProvider());
        var first = supervisor.Open(abortTransport: null, out var full)!;
        Assert.False(full);
        Assert.NotNull(supervisor.Open(abortTransport: null, out full));
        Assert.False(full);

        Assert.Null(supervisor.Open(abortTransport: null, out full));
        Assert.True(full);

        supervisor.Close(first);
        Assert.NotNull(supervisor.Open(abortTransport: null, out full));
        Assert.False(full);
    }
}
