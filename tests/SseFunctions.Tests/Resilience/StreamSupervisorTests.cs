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
        var connections = Enumerable.Range(0, 20).Select(_ => supervisor.Open()!).ToList();
        var endedAt = new Dictionary<SseConnection, TimeSpan>();

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
    public void An_ended_stream_keeps_what_was_queued_for_its_writer_and_takes_nothing_more()
    {
        var clock = new ManualTimeProvider();
        using var supervisor = new StreamSupervisor(new SseOptions { MaxStreamDuration = TimeSpan.FromSeconds(1), MaxStreamDurationJitter = TimeSpan.Zero }, clock);
        var connection = supervisor.Open()!;
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
        var open = supervisor.Open()!;

        supervisor.Stop();

        Assert.Equal(StreamEndReason.Shutdown, open.EndReason);
        Assert.Null(supervisor.Open());
    }
}
