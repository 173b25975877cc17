namespace SseFunctions.Benchmarks.Load;

/// <summary>One load: how many streams listen to one channel, how many events a second are published for how long.</summary>
/// <param name="Name">What the row is called in the table.</param>
/// <param name="Streams">Open connections, all on the same channel (or hub).</param>
/// <param name="Rate">Events published per second (0: the streams stay idle and only memory is measured).</param>
/// <param name="Seconds">How long events are published.</param>
/// <param name="Key">Which of a side's attempts counts: the one best at this figure.</param>
/// <param name="Sides">The sides that run it, the package first: every ratio is the package's to another side's.</param>
internal sealed record Scenario(string Name, int Streams, int Rate, int Seconds, ScenarioKey Key, IReadOnlyList<BenchSide> Sides)
{
    public long Events => (long)Rate * Seconds;

    /// <summary>The scenario given by <c>--streams</c>, <c>--rate</c>, <c>--seconds</c> and <c>--sides</c>.</summary>
    public static Scenario Custom(BenchArguments arguments) => new(
        "custom",
        arguments.GetInt("--streams", 1_000),
        arguments.GetInt("--rate", 10),
        arguments.GetInt("--seconds", 10),
        ScenarioKey.Throughput,
        arguments.Get("--sides") is { } sides
            ? [.. sides.Split(',').Select(side => BenchSide.ByOption.TryGetValue(side.Trim(), out var known)
                ? known
                : throw new ArgumentException($"Unknown side '{side}': use {string.Join(", ", BenchSide.ByOption.Keys)}."))]
            : [BenchSide.Package, BenchSide.Baseline]);
}
