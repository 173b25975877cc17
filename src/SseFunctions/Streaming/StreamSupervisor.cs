using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// One timer for every open stream, instead of one per stream: it queues a heartbeat on streams that have been silent
/// for the heartbeat interval, ends streams that reached their deadline, and ends them all when the application stops.
/// </summary>
internal sealed class StreamSupervisor : IDisposable
{
    private readonly SseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly HashSet<SseConnection> _connections = [];
    private readonly ITimer _timer;
    private readonly long _heartbeatTicks;
    private bool _stopping;

    public StreamSupervisor(SseOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
        _heartbeatTicks = (long)(options.HeartbeatInterval.TotalSeconds * timeProvider.TimestampFrequency);

        // A quarter of the heartbeat interval (at most a second) keeps heartbeats and deadlines within that of their time.
        var period = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, options.HeartbeatInterval.Ticks / 4));
        _timer = timeProvider.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Creates a stream's connection with its own deadline, spread by the jitter; null once the application stops.</summary>
    public SseConnection? Open()
    {
        var now = _timeProvider.GetTimestamp();
        var jitter = _options.MaxStreamDurationJitter.Ticks > 0
            ? TimeSpan.FromTicks(Random.Shared.NextInt64(_options.MaxStreamDurationJitter.Ticks))
            : TimeSpan.Zero;
        var lifetime = _options.MaxStreamDuration - jitter;
        var deadline = now + (long)(lifetime.TotalSeconds * _timeProvider.TimestampFrequency);
        var connection = new SseConnection(_options.StreamQueueCapacity, deadline, now);
        lock (_gate)
        {
            if (_stopping)
            {
                return null;
            }

            _connections.Add(connection);
        }

        return connection;
    }

    public void Close(SseConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>Ends every stream gracefully and refuses new ones: the application is stopping.</summary>
    public void Stop()
    {
        SseConnection[] connections;
        lock (_gate)
        {
            _stopping = true;
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            connection.End(StreamEndReason.Shutdown);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sweep()
    {
        SseConnection[] connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }

        var now = _timeProvider.GetTimestamp();
        foreach (var connection in connections)
        {
            if (now >= connection.Deadline)
            {
                connection.End(StreamEndReason.MaxDuration);
            }
            else if (now - connection.LastActivity >= _heartbeatTicks)
            {
                connection.MarkActivity(now);
                connection.TryEnqueue(SseFrame.Heartbeat);
            }
        }
    }
}
