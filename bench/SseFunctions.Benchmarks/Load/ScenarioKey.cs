namespace SseFunctions.Benchmarks.Load;

/// <summary>The figure a scenario is about, which picks the better of a side's attempts.</summary>
internal enum ScenarioKey
{
    Throughput,
    Latency,
    Memory,

    /// <summary>A point of the scale curve: the attempt with the least server CPU per delivery.</summary>
    Cost,
}
