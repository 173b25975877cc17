namespace SseFunctions.Benchmarks.Load;

/// <summary>The figures of one run. Latencies are in microseconds; null where the run could not measure a figure.</summary>
internal sealed record RunResult
{
    public required Scenario Scenario { get; init; }

    public required string Side { get; init; }

    public required int Attempt { get; init; }

    /// <summary>Streams that opened (a 200 and its headers).</summary>
    public required int Opened { get; init; }

    public required long Published { get; init; }

    public required long Delivered { get; init; }

    /// <summary>Events received by all streams together per second, over the middle half of the publishing time.</summary>
    public required double DeliveriesPerSecond { get; init; }

    /// <summary>Publish-to-receive latency of the events after the first tenth of the run (see <see cref="LatencyRecorder.MeasureFrom"/>).</summary>
    public required long? P50 { get; init; }

    public required long? P99 { get; init; }

    public required long? Max { get; init; }

    /// <summary>Events a stream never received, summed over streams, dropped streams included.</summary>
    public required long Lost { get; init; }

    /// <summary>Events still owed to streams that were receiving when the wait after the last publish was cut short.</summary>
    public required long Behind { get; init; }

    public required long Duplicates { get; init; }

    /// <summary>Streams the server ended or cut before the load program closed them.</summary>
    public required int Dropped { get; init; }

    /// <summary>Server RSS with the streams open and idle, minus RSS before they opened, per stream.</summary>
    public required double? MemoryPerStream { get; init; }

    /// <summary>Connections to Redis other than the load program's own (CLIENT LIST).</summary>
    public required int RedisConnections { get; init; }

    /// <summary>Server CPU while publishing and delivering, in cores (the server is pinned to one).</summary>
    public required double? ServerCpu { get; init; }

    /// <summary>
    /// What else kept the server's core busy meanwhile, in cores: other processes on a shared machine, or interrupts.
    /// More than a few percent makes the run's figures doubtful.
    /// </summary>
    public required double? ServerCoreOther { get; init; }

    /// <summary>The load program's own CPU over the same time, in cores.</summary>
    public required double? ClientCpu { get; init; }

    /// <summary>Bytes the server allocated per delivery over the middle half of the publishing time.</summary>
    public required double? AllocatedPerDelivery { get; init; }

    /// <summary>
    /// Of <see cref="AllocatedPerDelivery"/>, what Kestrel's block pool allocated as it grew: buffers behind the response
    /// pipes, kept for reuse, not garbage.
    /// </summary>
    public required double? PoolAllocatedPerDelivery { get; init; }

    /// <summary>Server CPU per delivery over the middle half of the publishing time, in microseconds.</summary>
    public required double? CpuPerDelivery { get; init; }
}
