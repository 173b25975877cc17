using System.Diagnostics;
using SseFunctions.Events;
using SseFunctions.Framing;
using SseFunctions.Streaming;

namespace SseFunctions.Tests.Streaming;

public sealed class StreamQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public void Frames_are_read_in_the_order_they_were_queued_across_growth_and_batches()
    {
        var connection = new StreamQueue(capacity: 100, deadline: long.MaxValue, now: 0);
        var written = Enumerable.Range(0, 60).Select(Frame).ToList();
        var read = new List<SseFrame>();

        // Interleaved: some frames are queued while the writer holds an earlier batch.
        foreach (var frame in written.Take(7))
        {
            Assert.True(connection.TryEnqueue(frame));
        }

        Assert.True(connection.TryRead(out var first));
        read.Add(first);
        foreach (var frame in written.Skip(7))
        {
            Assert.True(connection.TryEnqueue(frame));
        }

        while (connection.TryRead(out var frame))
        {
            read.Add(frame);
        }

        Assert.Equal(written, read);
    }

    [Fact]
    public void Frames_keep_their_order_when_the_ring_wraps_and_the_writer_takes_a_long_backlog_in_parts()
    {
        var connection = new StreamQueue(capacity: 1_000, deadline: long.MaxValue, now: 0);
        var written = Enumerable.Range(0, 400).Select(Frame).ToList();
        var read = new List<SseFrame>();
        var next = 0;

        // Each round leaves frames in the ring, so the next ones wrap around its end and its growth copies a wrapped run.
        foreach (var (queue, take) in new[] { (150, 70), (200, 100), (50, int.MaxValue) })
        {
            for (var i = 0; i < queue; i++)
            {
                Assert.True(connection.TryEnqueue(written[next++]));
            }

            for (var i = 0; i < take && connection.TryRead(out var frame); i++)
            {
                read.Add(frame);
            }
        }

        Assert.Equal(written, read);
    }

    [Fact]
    public void A_long_backlog_grows_one_ring_and_keeps_it()
    {
        var connection = new StreamQueue(capacity: 1_024, deadline: long.MaxValue, now: 0);
        var frames = Enumerable.Range(0, 1_000).Select(Frame).ToList();
        connection.TryEnqueue(frames[0]);
        connection.TryRead(out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 2; round++)
        {
            foreach (var frame in frames)
            {
                connection.TryEnqueue(frame);
            }

            while (connection.TryRead(out _))
            {
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One ring doubling from 4 to 1,024 slots is about 16.6 KB, and the writer's own array of at most 64 slots 1 KB;
        // a second ring swapped in for the writer would grow as far again (33 KB).
        Assert.InRange(allocated, 0, 20_000);
    }

    [Fact]
    public async Task A_waiting_writer_wakes_when_a_frame_is_queued()
    {
        var connection = new StreamQueue(capacity: 4, deadline: long.MaxValue, now: 0);
        var wait = connection.WaitToReadAsync().AsTask();
        Assert.False(wait.IsCompleted);

        var queued = Frame(1);
        connection.TryEnqueue(queued);

        Assert.True(await wait.WaitAsync(Deadline));
        Assert.True(connection.TryRead(out var frame));
        Assert.Same(queued, frame);
    }

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Reliability",
        "CA2012:Use ValueTasks correctly",
        Justification = "Awaiting would allocate a state machine in a Debug build; each wait is read once, after it completed.")]
    public void A_writer_that_waits_again_and_again_allocates_nothing()
    {
        var connection = new StreamQueue(capacity: 4, deadline: long.MaxValue, now: 0);
        var frame = Frame(1);
        for (var i = 0; i < 2; i++)
        {
            Cycle(connection, frame);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Cycle(connection, frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(StreamQueue connection, SseFrame frame)
        {
            var wait = connection.WaitToReadAsync();
            Assert.False(wait.IsCompleted);
            connection.TryEnqueue(frame);

            // The wait completes on the thread pool; spinning allocates nothing, unlike awaiting in a Debug build.
            var deadline = Stopwatch.GetTimestamp() + (long)(Deadline.TotalSeconds * Stopwatch.Frequency);
            var spinner = default(SpinWait);
            while (!wait.IsCompleted)
            {
                Assert.True(Stopwatch.GetTimestamp() < deadline, "The writer was never woken.");
                spinner.SpinOnce();
            }

            Assert.True(wait.Result);
            Assert.True(connection.TryRead(out _));
        }
    }

    [Fact]
    public async Task A_full_queue_ends_the_stream_as_slow_once_and_cancels_its_writes()
    {
        var connection = new StreamQueue(capacity: 3, deadline: long.MaxValue, now: 0);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(connection.TryEnqueue(Frame(i)));
        }

        Assert.False(connection.TryEnqueue(Frame(3)));

        Assert.Equal(StreamEndReason.Slow, connection.EndReason);
        Assert.True(connection.Stopping.IsCancellationRequested);
        Assert.False(connection.TryRead(out _));
        Assert.True(connection.TryEnqueue(Frame(4)), "Only the call that found the queue full reports it.");
        var wait = connection.WaitToReadAsync().AsTask();
        Assert.True(wait.IsCompleted, "The writer of a slow stream does not wait.");
        Assert.False(await wait);
    }

    [Fact]
    public void Frames_the_writer_took_count_against_the_capacity_until_it_read_them()
    {
        var connection = new StreamQueue(capacity: 3, deadline: long.MaxValue, now: 0);
        connection.TryEnqueue(Frame(0));
        connection.TryEnqueue(Frame(1));
        connection.TryEnqueue(Frame(2));

        // The writer took the batch of three and read one: two are still held for it.
        Assert.True(connection.TryRead(out _));
        Assert.True(connection.TryEnqueue(Frame(3)));
        Assert.Equal(StreamEndReason.None, connection.EndReason);

        Assert.False(connection.TryEnqueue(Frame(4)), "Two taken and one queued fill a queue of three.");
        Assert.Equal(StreamEndReason.Slow, connection.EndReason);
    }

    [Fact]
    public async Task Ending_lets_the_writer_finish_what_is_queued_then_completes_its_wait_with_false()
    {
        var connection = new StreamQueue(capacity: 8, deadline: long.MaxValue, now: 0);
        connection.TryEnqueue(Frame(0));
        connection.TryEnqueue(Frame(1));

        connection.End(StreamEndReason.MaxDuration, now: 0);
        Assert.True(connection.TryEnqueue(Frame(2)), "A stream ending for another reason is not slow.");

        Assert.True(await connection.WaitToReadAsync());
        Assert.True(connection.TryRead(out _));
        Assert.True(connection.TryRead(out _));
        Assert.False(connection.TryRead(out _));
        Assert.False(await connection.WaitToReadAsync());
        Assert.Equal(StreamEndReason.MaxDuration, connection.EndReason);
        Assert.False(connection.Stopping.IsCancellationRequested);
    }

    [Fact]
    public async Task Ending_wakes_a_waiting_writer_with_false()
    {
        var connection = new StreamQueue(capacity: 8, deadline: long.MaxValue, now: 0);
        var wait = connection.WaitToReadAsync().AsTask();

        connection.End(StreamEndReason.Shutdown, now: 0);

        Assert.False(await wait.WaitAsync(Deadline));
    }

    [Fact]
    public async Task Aborting_drops_what_is_queued_wakes_the_writer_and_cancels_its_writes()
    {
        var connection = new StreamQueue(capacity: 8, deadline: long.MaxValue, now: 0);
        var wait = connection.WaitToReadAsync().AsTask();

        connection.Abort();

        Assert.False(await wait.WaitAsync(Deadline));
        Assert.True(connection.Stopping.IsCancellationRequested);
        Assert.Equal(StreamEndReason.None, connection.EndReason);
        Assert.True(connection.TryEnqueue(Frame(0)), "A stream whose client left is not slow.");
        Assert.False(connection.TryRead(out _));
    }

    [Fact]
    public async Task Concurrent_producers_lose_no_frame_and_wake_the_writer_every_time()
    {
        const int PerProducer = 20_000;
        var connection = new StreamQueue(capacity: 2 * PerProducer, deadline: long.MaxValue, now: 0);
        var frames = Enumerable.Range(0, 2 * PerProducer).Select(Frame).ToArray();
        var reader = Task.Run(async () =>
        {
            var count = 0;
            while (count < frames.Length && await connection.WaitToReadAsync())
            {
                while (connection.TryRead(out _))
                {
                    count++;
                }
            }

            return count;
        });

        await Task.WhenAll(
            Task.Run(() => Produce(0)),
            Task.Run(() => Produce(PerProducer)));

        Assert.Equal(frames.Length, await reader.WaitAsync(Deadline));
        Assert.Equal(StreamEndReason.None, connection.EndReason);

        void Produce(int start)
        {
            for (var i = start; i < start + PerProducer; i++)
            {
                Assert.True(connection.TryEnqueue(frames[i]));
            }
        }
    }

    private static SseFrame Frame(int number) =>
        SseFrameEncoder.Encode(new SseEnvelope(number.ToString(System.Globalization.CultureInfo.InvariantCulture), null, $"1-{number}", null));
}
