using SseFunctions.Benchmarks.Load;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>What every event of one socket read shares: when it arrived, and where its latency goes.</summary>
/// <param name="Now">The moment the read completed (<see cref="System.Diagnostics.Stopwatch"/> ticks).</param>
/// <param name="Latencies">The reading thread's own histogram.</param>
/// <param name="MeasureFrom">The first sequence number whose latency counts.</param>
internal readonly record struct Arrival(long Now, LatencyHistogram Latencies, long MeasureFrom);
