using System.Globalization;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Checks the targets of issues 5 and 14 that a suite's runs cover, and prints each as met or missed.</summary>
internal static class TargetCheck
{
    private const double MinThroughputRatio = 0.90;
    private const double MaxLatencyRatio = 1.25;
    private const double MinSignalRThroughputRatio = 1.5;
    private const double MaxMemoryRatio = 1.25;
    private const double MaxMemoryPerStream = 20_000;
    private const double MaxScaleCostRatio = 1.2;

    // The frame and the Redis message of one event are shared by all of a channel's streams; spread over thousands of
    // deliveries they are a fraction of a byte each. Anything allocated per delivery would add 24 bytes or more each time.
    private const double MaxAllocatedPerDelivery = 1.0;

    // One multiplexer: StackExchange.Redis opens an interactive and a subscription socket.
    private const int SocketsPerMultiplexer = 2;

    /// <summary>Writes one line per target; true when every target that the runs cover holds.</summary>
    /// <param name="runs">Every attempt.</param>
    /// <param name="best">The better attempt of each side in each scenario.</param>
    public static bool Write(TextWriter output, IReadOnlyList<RunResult> runs, IReadOnlyList<RunResult> best)
    {
        var allMet = true;
        output.WriteLine("Targets:");
        var package = BenchSide.Package.Name;
        foreach (var scenario in best.Select(run => run.Scenario).Distinct().Where(scenario => scenario.Key != ScenarioKey.Cost))
        {
            if (best.SingleOrDefault(run => run.Scenario == scenario && run.Side == package) is not { } ours)
            {
                continue;
            }

            var others = best.Where(run => run.Scenario == scenario && run.Side != package).ToList();
            var baseline = others.SingleOrDefault(run => run.Side == BenchSide.Baseline.Name);
            var signalR = others.Where(run => run != baseline).ToList();
            switch (scenario.Key)
            {
                case ScenarioKey.Throughput:
                    if (baseline is not null)
                    {
                        var ratio = ours.DeliveriesPerSecond / baseline.DeliveriesPerSecond;
                        Line($"{scenario.Name}: the package delivers {ratio:0.00} x the baseline's deliveries/s (at least {MinThroughputRatio:0.00})", ratio >= MinThroughputRatio);
                    }

                    foreach (var other in signalR)
                    {
                        var ratio = ours.DeliveriesPerSecond / other.DeliveriesPerSecond;
                        Line($"{scenario.Name}: the package delivers {ratio:0.00} x {other.Side}'s deliveries/s (at least {MinSignalRThroughputRatio:0.0})", ratio >= MinSignalRThroughputRatio);
                    }

                    Intact(scenario);
                    break;
                case ScenarioKey.Latency:
                    if (baseline is not null)
                    {
                        var ratio = (double)ours.P99!.Value / baseline.P99!.Value;
                        Line($"{scenario.Name}: the package's p99 latency is {ratio:0.00} x the baseline's (at most {MaxLatencyRatio:0.00})", ratio <= MaxLatencyRatio);
                    }

                    foreach (var other in signalR)
                    {
                        var ratio = (double)ours.P99!.Value / (other.P99 ?? long.MaxValue);
                        Line($"{scenario.Name}: the package's p99 latency is {ours.P99 / 1000.0:0.0} ms, {ratio:0.00} x {other.Side}'s (at most 1)", ratio <= 1);
                    }

                    Intact(scenario);
                    break;
                default:
                    var memory = ours.MemoryPerStream!.Value;
                    var memoryRatio = memory / baseline!.MemoryPerStream!.Value;
                    Line($"{scenario.Name}: the package holds {memory / 1024:0.0} KB per idle stream, {memoryRatio:0.00} x the baseline's (at most {MaxMemoryRatio:0.00} x and under 20 KB)", memoryRatio <= MaxMemoryRatio && memory < MaxMemoryPerStream);
                    Intact(scenario);
                    break;
            }
        }

        var curve = best.Where(run => run.Scenario.Key == ScenarioKey.Cost && run.Side == package).OrderBy(run => run.Scenario.Streams).ToList();
        if (curve.Count > 1 && curve[0].CpuPerDelivery is { } smallest && curve[^1].CpuPerDelivery is { } largest)
        {
            Line(
                $"scale: the package's server CPU per delivery at {curve[^1].Scenario.Streams:N0} streams is {largest:0.00} µs, {largest / smallest:0.00} x that at {curve[0].Scenario.Streams:N0} (at most {MaxScaleCostRatio:0.0})",
                largest / smallest <= MaxScaleCostRatio);
            foreach (var scenario in curve.Select(run => run.Scenario))
            {
                Intact(scenario);
            }
        }

        var packageSockets = runs.Where(run => run.Side == package).Select(run => run.RedisConnections).Distinct().ToList();
        if (packageSockets.Count > 0)
        {
            Line(
                $"redis: the package server used {string.Join(" or ", packageSockets)} Redis connections at every stream count (one multiplexer: {SocketsPerMultiplexer})",
                packageSockets.All(sockets => sockets <= SocketsPerMultiplexer));
        }

        // At saturation the frame and Redis message of an event are shared by 9,000 streams, so what remains is what
        // each delivery costs; under lighter loads they and the supervisor's once-a-second sweep weigh more per delivery.
        if (best.FirstOrDefault(run => run.Scenario.Key == ScenarioKey.Throughput && run.Side == package) is { AllocatedPerDelivery: { } allocated } saturated)
        {
            Line(
                $"allocation: the package server allocated {allocated:0.00} bytes per delivery in {saturated.Scenario.Name} (under {MaxAllocatedPerDelivery:0}: nothing per delivery; the smallest object is 24)",
                allocated < MaxAllocatedPerDelivery);
        }

        return allMet;

        // Nothing lost and no stream dropped in any of the package's attempts; at a ceiling, a backlog still arriving
        // when the wait ended is not a loss.
        void Intact(Scenario scenario)
        {
            var attempts = runs.Where(run => run.Scenario == scenario && run.Side == package).ToList();
            var lost = attempts.Sum(run => run.Lost + run.Duplicates);
            var dropped = attempts.Sum(run => run.Dropped);
            var streams = scenario.Key == ScenarioKey.Cost ? $" ({scenario.Streams:N0} streams)" : string.Empty;
            Line($"{scenario.Name}{streams}: the package lost {lost:N0} events and dropped {dropped:N0} streams over all its attempts (none)", lost == 0 && dropped == 0);
        }

        void Line(string text, bool met)
        {
            allMet &= met;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- [{(met ? "met" : "MISSED")}] {text}"));
        }
    }
}
