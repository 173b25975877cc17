namespace SseFunctions.Benchmarks.Load;

/// <summary>One histogram per thread that reads sockets, merged once the run is over: recording takes no lock.</summary>
/// <param name="measureFrom">The first event sequence number whose latency counts.</param>
internal sealed class LatencyRecorder(long measureFrom) : IDisposable
{
    private readonly ThreadLocal<LatencyHistogram> _perThread = new(static () => new LatencyHistogram(), trackAllValues: true);

    /// <summary>
    /// Latencies of earlier events are not recorded: while the first events reach thousands of streams that were idle,
    /// the server's buffers, queues and thread pool grow to what the load needs, on either side.
    /// </summary>
    public long MeasureFrom { get; } = measureFrom;

    public LatencyHistogram Local => _perThread.Value!;

    public LatencyHistogram Merge()
    {
        var merged = new LatencyHistogram();
        foreach (var histogram in _perThread.Values)
        {
            merged.Add(histogram);
        }

        return merged;
    }

    public void Dispose() => _perThread.Dispose();
}
