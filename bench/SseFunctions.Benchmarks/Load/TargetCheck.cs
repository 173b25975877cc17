using System.Globalization;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Checks the targets of issue 5 against a suite's runs and prints each as met or missed.</summary>
internal static class TargetCheck
{
    private const double MinThroughputRatio = 0.90;
    private const double MaxLatencyRatio = 1.25;
    private const double MaxMemoryRatio = 1.25;
    private const double MaxMemoryPerStream = 20_000;

    // The frame and the Redis message of one event are shared by all of a channel's streams; spread over thousands of
    // deliveries they are a fraction of a byte each. Anything allocated per delivery would add 24 bytes or more each time.
    private const double MaxAllocatedPerDelivery = 1.0;

    // One multiplexer: StackExchange.Redis opens an interactive and a subscription socket.
    private const int SocketsPerMultiplexer = 2;

    /// <summary>Writes one line per target; true when every target that the runs cover holds.</summary>
    public static bool Write(TextWriter output, IReadOnlyList<RunResult> runs, IReadOnlyList<(RunResult Package, RunResult Baseline)> best)
    {
        var allMet = true;
        output.WriteLine("Targets:");
        foreach (var (package, baseline) in best)
        {
            var scenario = package.Scenario;
            var packageRuns = runs.Where(run => run.Scenario == scenario && run.Side == package.Side).ToList();
            var lost = packageRuns.Sum(run => run.Lost + run.Duplicates);
            var dropped = packageRuns.Sum(run => run.Dropped);
            switch (scenario.Key)
            {
                case ScenarioKey.Throughput:
                    var throughput = package.DeliveriesPerSecond / baseline.DeliveriesPerSecond;
                    Line($"{scenario.Name}: package delivers {throughput:0.00} x the baseline's deliveries/s (at least {MinThroughputRatio:0.00})", throughput >= MinThroughputRatio);
                    Line($"{scenario.Name}: package lost {lost:N0} events and dropped {dropped:N0} streams over all its attempts (none)", lost == 0 && dropped == 0);
                    break;
                case ScenarioKey.Latency:
                    var latency = (double)package.P99!.Value / baseline.P99!.Value;
                    Line($"{scenario.Name}: package p99 latency is {latency:0.00} x the baseline's (at most {MaxLatencyRatio:0.00})", latency <= MaxLatencyRatio);
                    Line($"{scenario.Name}: package lost {lost:N0} events and dropped {dropped:N0} streams over all its attempts (none)", lost == 0 && dropped == 0);
                    break;
                default:
                    var memory = package.MemoryPerStream!.Value;
                    var ratio = memory / baseline.MemoryPerStream!.Value;
                    Line($"{scenario.Name}: package holds {memory / 1024:0.0} KB per idle stream, {ratio:0.00} x the baseline's (at most {MaxMemoryRatio:0.00} x and under 20 KB)", ratio <= MaxMemoryRatio && memory < MaxMemoryPerStream);
                    Line($"{scenario.Name}: package dropped {dropped:N0} idle streams over all its attempts (none)", dropped == 0);
                    break;
            }
        }

        var packageSockets = runs.Where(run => run.Side == best[0].Package.Side).Select(run => run.RedisConnections).Distinct().ToList();
        Line(
            $"redis: the package server used {string.Join(" or ", packageSockets)} Redis connections at every stream count (one multiplexer: {SocketsPerMultiplexer})",
            packageSockets.All(sockets => sockets <= SocketsPerMultiplexer));

        // At saturation the frame and Redis message of an event are shared by 9,000 streams, so what remains is what
        // each delivery costs; under lighter loads they and the supervisor's once-a-second sweep weigh more per delivery.
        if (best.FirstOrDefault(pair => pair.Package.Scenario.Key == ScenarioKey.Throughput).Package is { AllocatedPerDelivery: { } allocated } saturated)
        {
            Line(
                $"allocation: the package server allocated {allocated:0.00} bytes per delivery in {saturated.Scenario.Name} (under {MaxAllocatedPerDelivery:0}: nothing per delivery; the smallest object is 24)",
                allocated < MaxAllocatedPerDelivery);
        }

        return allMet;

        void Line(string text, bool met)
        {
            allMet &= met;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- [{(met ? "met" : "MISSED")}] {text}"));
        }
    }
}
