namespace SseFunctions.Benchmarks.Load;

/// <summary>One load: how many streams listen to one channel, how many events a second are published for how long.</summary>
/// <param name="Name">What the row is called in the table.</param>
/// <param name="Streams">Open SSE connections, all on the same channel.</param>
/// <param name="Rate">Events published per second (0: the streams stay idle and only memory is measured).</param>
/// <param name="Seconds">How long events are published.</param>
/// <param name="Key">Which of a side's attempts counts: the one best at this figure.</param>
internal sealed record Scenario(string Name, int Streams, int Rate, int Seconds, ScenarioKey Key)
{
    public long Events => (long)Rate * Seconds;

    /// <summary>The scenario given by <c>--streams</c>, <c>--rate</c> and <c>--seconds</c>.</summary>
    public static Scenario Custom(BenchArguments arguments) => new(
        "custom",
        arguments.GetInt("--streams", 1_000),
        arguments.GetInt("--rate", 10),
        arguments.GetInt("--seconds", 10),
        ScenarioKey.Throughput);
}
