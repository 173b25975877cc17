using System.Numerics;
using System.Threading.Tasks.Sources;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// One open stream's queue as the fan-out sees it: a bounded queue of shared frames, drained by the stream's writer
/// loop, and the stream's lifetime (its deadline, why it ended, whether its writer is stuck in a write). Enqueueing never
/// blocks; a full queue ends this stream and nobody else's.
/// </summary>
/// <remarks>
/// This is the hot path: one event reaches thousands of these. Compared with a bounded <c>Channel&lt;T&gt;</c>, a wait
/// allocates nothing (the queue is its own reusable wait, with no cancellation registered per wait: ending the
/// stream wakes the writer instead), and an idle stream holds no queue storage until its first frame.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source has no timer, and the fan-out may still cancel it after the stream ended; the GC reclaims it.")]
internal sealed class StreamQueue : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    // The largest power-of-two ring an array can be; a larger configured capacity means "unbounded" in practice.
    private const int LargestRing = 1 << 30;

    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action? _abortTransport;

    // What the writer's timestamps hold while it is not writing, or while the stream has not been told to end.
    private const long Never = long.MinValue;

    // A ring whose length is a power of two, grown on demand up to the capacity rounded up.
    private SseFrame?[] _frames = [];
    private int _head;
    private int _count;

    // The writer moves up to TakeLimit frames at a time out of the ring into its own array and reads them without the
    // lock: one lock per batch on the writer's side instead of one per frame. Only the ring grows with the backlog; a
    // second ring swapped in would grow as far, doubling what a long backlog allocates and keeps.
    private const int TakeLimit = 64;
    private SseFrame?[] _taken = [];
    private int _takenNext;
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
    private long _writeStartedAt = Never;
    private long _endedAt = Never;
    private int _endReason;

    /// <param name="capacity">How many frames may wait, counting those the writer took and has not written yet.</param>
    /// <param name="deadline">When the stream ends by itself.</param>
    /// <param name="now">When it opened.</param>
    /// <param name="abortTransport">Cuts the stream's connection, for a writer that cancellation alone may not unblock.</param>
    public StreamQueue(int capacity, long deadline, long now, Action? abortTransport = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = Math.Min(capacity, LargestRing);
        Deadline = deadline;
        _lastActivity = now;
        _abortTransport = abortTransport;
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

    /// <summary>When the writer began the write it is in, or null when it is not writing.</summary>
    public long? WriteStartedAt => Volatile.Read(ref _writeStartedAt) is var started and not Never ? started : null;

    /// <summary>When the stream was told to end (<see cref="End"/>), or null while it was not.</summary>
    public long? EndedAt => Volatile.Read(ref _endedAt) is var ended and not Never ? ended : null;

    /// <summary>The writer begins a write (a flush) that a client which stopped reading can hold up.</summary>
    public void BeginWrite(long now) => Volatile.Write(ref _writeStartedAt, now);

    /// <summary>The writer's write completed: it counts as activity, so no heartbeat is due.</summary>
    public void EndWrite(long now)
    {
        Volatile.Write(ref _writeStartedAt, Never);
        MarkActivity(now);
    }

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

            // What the writer took and has not written yet counts: it is held for this stream as much as the queue is.
            if (_count + Volatile.Read(ref _takenCount) >= _capacity)
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

        frame = _taken[_takenNext]!;
        _taken[_takenNext] = null;
        _takenNext++;
        Volatile.Write(ref _takenCount, _takenCount - 1);
        return true;
    }

    /// <summary>
    /// Lets the writer finish what is queued and end the response normally; <paramref name="now"/> starts the grace after
    /// which the supervisor cuts a writer that is still stuck.
    /// </summary>
    public void End(StreamEndReason reason, long now)
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
            Volatile.Write(ref _endedAt, now);
            wake = _writerWaiting;
            _writerWaiting = false;
        }

        if (wake)
        {
            Wake(false);
        }
    }

    /// <summary>The client left or the invocation was cancelled: drops what is queued and stops the writer at once.</summary>
    public void Abort() => Stop(StreamEndReason.None, cutTransport: false);

    /// <summary>
    /// Ends the stream at once and cuts its connection: its writer is stuck in a write to a client that stopped reading,
    /// which neither waking nor cancelling is sure to end. The reason stays if the stream was already ending.
    /// </summary>
    public void Cut(StreamEndReason reason) => Stop(reason, cutTransport: true);

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

            if (_taken.Length < Math.Min(_count, TakeLimit))
            {
                _taken = new SseFrame?[Math.Min((int)BitOperations.RoundUpToPowerOf2((uint)_count), TakeLimit)];
            }

            // The oldest frames, in one or two runs of the ring; their slots are cleared so the ring holds no frame twice.
            var taken = Math.Min(_count, _taken.Length);
            var first = Math.Min(taken, _frames.Length - _head);
            var older = _frames.AsSpan(_head, first);
            var wrapped = _frames.AsSpan(0, taken - first);
            older.CopyTo(_taken);
            wrapped.CopyTo(_taken.AsSpan(first));
            older.Clear();
            wrapped.Clear();
            _head = (_head + taken) & (_frames.Length - 1);
            _count -= taken;
            _takenNext = 0;
            Volatile.Write(ref _takenCount, taken);
            return true;
        }
    }

    private void Stop(StreamEndReason reason, bool cutTransport)
    {
        bool wake;
        lock (_gate)
        {
            if (_endReason == (int)StreamEndReason.None)
            {
                _endReason = (int)reason;
            }

            wake = !_completed && _writerWaiting;
            _writerWaiting = false;
            StopLocked();
        }

        if (wake)
        {
            Wake(false);
        }

        _stopping.Cancel();
        if (cutTransport)
        {
            _abortTransport?.Invoke();
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
