using System.Numerics;
using System.Threading.Tasks.Sources;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// One open stream as the fan-out sees it: a bounded queue of shared frames, drained by the stream's writer loop.
/// Enqueueing never blocks; a full queue ends this stream and nobody else's.
/// </summary>
/// <remarks>
/// This is the hot path: one event reaches thousands of these. Compared with a bounded <c>Channel&lt;T&gt;</c>, a wait
/// allocates nothing (the connection is its own reusable wait, with no cancellation registered per wait: ending the
/// stream wakes the writer instead), and an idle stream holds no queue storage until its first frame.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source has no timer, and the fan-out may still cancel it after the stream ended; the GC reclaims it.")]
internal sealed class SseConnection : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    // The largest power-of-two ring an array can be; a larger configured capacity means "unbounded" in practice.
    private const int LargestRing = 1 << 30;

    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly CancellationTokenSource _stopping = new();

    // A ring whose length is a power of two, grown on demand up to the capacity rounded up.
    private SseFrame?[] _frames = [];
    private int _head;
    private int _count;

    // The writer takes the whole ring in one step, swapping in the ring it emptied last time, and reads it without the
    // lock: one lock per batch on the writer's side instead of one per frame.
    private SseFrame?[] _taken = [];
    private int _takenHead;
    private int _takenCount;

    // The writer's wait: reset before each wait, completed by whoever ends it, always from the thread pool's global
    // queue, with the connection as its own work item. So the fan-out never runs a writer inline, and writers run in
    // the order they were woken: had the continuations gone to the fan-out thread's local queue, which is last-in
    // first-out, the streams of a new event would go before those still waiting for the previous one, and the slowest
    // deliveries would get slower.
    private ManualResetValueTaskSourceCore<bool> _wait;
    private bool _wakeResult;
    private bool _writerWaiting;
    private bool _completed;
    private long _lastActivity;
    private int _endReason;

    public SseConnection(int capacity, long deadline, long now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = Math.Min(capacity, LargestRing);
        Deadline = deadline;
        _lastActivity = now;
    }

    /// <summary>When the stream ends by itself, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long Deadline { get; }

    /// <summary>
    /// Cancelled when the stream must stop at once: its client left (<see cref="Abort"/>) or it was ended as slow. Its
    /// writer may be stuck in a flush to the client, which this cancels.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    public StreamEndReason EndReason => (StreamEndReason)Volatile.Read(ref _endReason);

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public void MarkActivity(long now) => Volatile.Write(ref _lastActivity, now);

    /// <summary>Queues a frame; false only when this call found the queue full and ended the stream as slow.</summary>
    public bool TryEnqueue(SseFrame frame)
    {
        var wake = false;
        var slow = false;
        lock (_gate)
        {
            // Ending for another reason: that is no slow client.
            if (_completed)
            {
                return true;
            }

            if (_count == _capacity)
            {
                _endReason = (int)StreamEndReason.Slow;
                StopLocked();
                slow = true;
            }
            else
            {
                if (_count == _frames.Length)
                {
                    Grow();
                }

                _frames[(_head + _count) & (_frames.Length - 1)] = frame;
                _count++;
                wake = _writerWaiting;
                _writerWaiting = false;
            }
        }

        if (slow)
        {
            // The writer is busy, not waiting: probably stuck in a flush to a client that reads too slowly.
            _stopping.Cancel();
            return false;
        }

        if (wake)
        {
            Wake(true);
        }

        return true;
    }

    /// <summary>
    /// Completes with true once a frame can be read, or with false once the stream ends and nothing more is to be
    /// written. Only the stream's writer calls this, and never again before the previous wait completed.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        if (_takenCount > 0)
        {
            return new ValueTask<bool>(true);
        }

        lock (_gate)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _wait.Reset();
            _writerWaiting = true;
            return new ValueTask<bool>(this, _wait.Version);
        }
    }

    /// <summary>Takes the oldest queued frame. Only the stream's writer calls this.</summary>
    public bool TryRead(out SseFrame frame)
    {
        if (_takenCount == 0 && !TakeQueued())
        {
            frame = null!;
            return false;
        }

        frame = _taken[_takenHead]!;
        _taken[_takenHead] = null;
        _takenHead = (_takenHead + 1) & (_taken.Length - 1);
        _takenCount--;
        return true;
    }

    /// <summary>Lets the writer finish what is queued and end the response normally.</summary>
    public void End(StreamEndReason reason)
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _endReason = (int)reason;
            _completed = true;
            wake = _writerWaiting;
            _writerWaiting = false;
        }

        if (wake)
        {
            Wake(false);
        }
    }

    /// <summary>The client left or the invocation was cancelled: drops what is queued and stops the writer at once.</summary>
    public void Abort()
    {
        bool wake;
        lock (_gate)
        {
            wake = !_completed && _writerWaiting;
            _writerWaiting = false;
            StopLocked();
        }

        if (wake)
        {
            Wake(false);
        }

        _stopping.Cancel();
    }

    void IThreadPoolWorkItem.Execute() => _wait.SetResult(_wakeResult);

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);

    /// <summary>Completes the writer's wait on the thread pool; called once per wait, by whoever took it.</summary>
    private void Wake(bool result)
    {
        _wakeResult = result;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private bool TakeQueued()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return false;
            }

            // The writer cleared every slot of its ring as it read them, so the producers get an empty one.
            (_frames, _taken) = (_taken, _frames);
            _takenHead = _head;
            _takenCount = _count;
            _head = 0;
            _count = 0;
            return true;
        }
    }

    private void StopLocked()
    {
        _completed = true;
        Array.Clear(_frames);
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        var length = Math.Min(Math.Max(_frames.Length * 2, 4), (int)BitOperations.RoundUpToPowerOf2((uint)_capacity));
        var frames = new SseFrame?[length];
        for (var i = 0; i < _count; i++)
        {
            frames[i] = _frames[(_head + i) & (_frames.Length - 1)];
        }

        _frames = frames;
        _head = 0;
    }
}
