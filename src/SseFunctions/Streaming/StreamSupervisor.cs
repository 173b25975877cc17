using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// One timer for every open stream, instead of one per stream: it queues a heartbeat on streams that have been silent
/// for the heartbeat interval, ends streams that reached their deadline, cuts streams whose writer is stuck in a write,
/// and ends them all when the application stops.
/// </summary>
internal sealed class StreamSupervisor : IDisposable
{
    // A stream told to end gets this long (or the write timeout, if shorter) to finish writing before it is cut.
    private static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(5);

    private readonly SseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly HashSet<StreamQueue> _streams = [];
    private readonly ITimer _timer;
    private readonly long _heartbeatTicks;
    private readonly long _writeTimeoutTicks;
    private readonly long _endGraceTicks;
    private bool _stopping;

    // The streams a sweep goes through, copied under the lock into this array, kept from sweep to sweep so that a sweep
    // allocates nothing; 1 while a sweep runs, so that a tick that comes while the last sweep is still busy skips.
    private StreamQueue[] _sweeping = [];
    private int _sweepRunning;

    public StreamSupervisor(SseOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
        _heartbeatTicks = Ticks(options.HeartbeatInterval);
        _writeTimeoutTicks = Ticks(options.WriteTimeout);
        _endGraceTicks = Ticks(options.WriteTimeout < EndGrace ? options.WriteTimeout : EndGrace);

        // A quarter of the heartbeat interval (at most a second) keeps heartbeats and deadlines within that of their time.
        var period = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, options.HeartbeatInterval.Ticks / 4));
        _timer = timeProvider.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>
    /// Creates a stream's queue with its own deadline, spread by the jitter; null once the application stops, or when
    /// <see cref="SseOptions.MaxOpenStreams"/> streams are open (<paramref name="full"/>).
    /// </summary>
    public StreamQueue? Open(Action? abortTransport, out bool full)
    {
        var now = _timeProvider.GetTimestamp();
        var jitter = _options.MaxStreamDurationJitter.Ticks > 0
            ? TimeSpan.FromTicks(Random.Shared.NextInt64(_options.MaxStreamDurationJitter.Ticks))
            : TimeSpan.Zero;
        var deadline = now + Ticks(_options.MaxStreamDuration - jitter);
        var stream = new StreamQueue(_options.StreamQueueCapacity, deadline, now, abortTransport);
        lock (_gate)
        {
            full = !_stopping && _streams.Count >= _options.MaxOpenStreams;
            if (_stopping || full)
            {
                return null;
            }

            _streams.Add(stream);
        }

        return stream;
    }

    public void Close(StreamQueue stream)
    {
        lock (_gate)
        {
            _streams.Remove(stream);
        }
    }

    /// <summary>Ends every stream gracefully and refuses new ones: the application is stopping.</summary>
    public void Stop()
    {
        StreamQueue[] streams;
        lock (_gate)
        {
            _stopping = true;
            streams = [.. _streams];
        }

        var now = _timeProvider.GetTimestamp();
        foreach (var stream in streams)
        {
            stream.End(StreamEndReason.Shutdown, now);
        }
    }

    public void Dispose() => _timer.Dispose();

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _timeProvider.TimestampFrequency);

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweepRunning, 1) == 1)
        {
            return;
        }

        try
        {
            int count;
            lock (_gate)
            {
                count = _streams.Count;
                if (_sweeping.Length < count)
                {
                    _sweeping = new StreamQueue[Math.Max(count, _sweeping.Length * 2)];
                }

                _streams.CopyTo(_sweeping);
            }

            var now = _timeProvider.GetTimestamp();
            foreach (var stream in _sweeping.AsSpan(0, count))
            {
                Check(stream, now);
            }

            // A stream closed since is not kept alive until the next sweep.
            Array.Clear(_sweeping, 0, count);
        }
        finally
        {
            Volatile.Write(ref _sweepRunning, 0);
        }
    }

    private void Check(StreamQueue stream, long now)
    {
        if (now - stream.WriteStartedAt >= _writeTimeoutTicks)
        {
            // Its client stopped reading, and the socket's buffers are full: whatever it was sent next would wait too.
            stream.Cut(StreamEndReason.Stalled);
        }
        else if (now - stream.EndedAt >= _endGraceTicks)
        {
            // Told to end, but still writing what was queued, too slowly for the grace.
            stream.Cut(StreamEndReason.Stalled);
        }
        else if (now >= stream.Deadline)
        {
            stream.End(StreamEndReason.MaxDuration, now);
        }
        else if (now - stream.LastActivity >= _heartbeatTicks)
        {
            stream.MarkActivity(now);
            stream.TryEnqueue(SseFrame.Heartbeat);
        }
    }
}
