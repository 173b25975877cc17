using System.Threading.Channels;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// One open stream as the fan-out sees it: a bounded queue of shared frames, drained by the stream's writer loop.
/// Enqueueing never blocks; a full queue ends this stream and nobody else's.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source has no timer, and the fan-out may still cancel it after the stream ended; the GC reclaims it.")]
internal sealed class SseConnection
{
    private readonly Channel<SseFrame> _queue;
    private readonly CancellationTokenSource _slow = new();
    private long _lastActivity;
    private int _endReason;

    public SseConnection(int capacity, long deadline, long now)
    {
        _queue = Channel.CreateBounded<SseFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Deadline = deadline;
        _lastActivity = now;
    }

    public ChannelReader<SseFrame> Frames => _queue.Reader;

    /// <summary>When the stream ends by itself, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long Deadline { get; }

    /// <summary>Cancelled when the stream is ended as slow: its writer may be stuck in a flush to the client.</summary>
    public CancellationToken EndedSlow => _slow.Token;

    public StreamEndReason EndReason => (StreamEndReason)Volatile.Read(ref _endReason);

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public void MarkActivity(long now) => Volatile.Write(ref _lastActivity, now);

    /// <summary>Queues a frame; false only when this call found the queue full and ended the stream as slow.</summary>
    public bool TryEnqueue(SseFrame frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        // A write also fails once the stream is ending for another reason: that is no slow client.
        if (Interlocked.CompareExchange(ref _endReason, (int)StreamEndReason.Slow, (int)StreamEndReason.None) != (int)StreamEndReason.None)
        {
            return true;
        }

        _queue.Writer.TryComplete();
        _slow.Cancel();
        return false;
    }

    /// <summary>Lets the writer finish what is queued and end the response normally.</summary>
    public void End(StreamEndReason reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, (int)reason, (int)StreamEndReason.None) == (int)StreamEndReason.None)
        {
            _queue.Writer.TryComplete();
        }
    }
}
