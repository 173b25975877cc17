using System.Globalization;
using System.Runtime.InteropServices;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Runs scenarios against their sides in turn on the benchmark's own Redis, each side several times (the better
/// attempt counts), and prints every attempt, the table of the better ones with the package's ratios to the others,
/// the scale curve, and the targets.
/// </summary>
internal static class BenchSuite
{
    public const string Channel = "bench";

    private static readonly BenchSide[] OwnSides = [BenchSide.Package, BenchSide.Baseline];
    private static readonly BenchSide[] AllSides = [BenchSide.Package, BenchSide.Baseline, BenchSide.SignalRWebSockets, BenchSide.SignalRSse];

    /// <summary>The loads of issue 5: 720,000 deliveries a second offered, a steady 100,000, and idle memory.</summary>
    public static IReadOnlyList<Scenario> Issue5 { get; } =
    [
        new("saturated", Streams: 9_000, Rate: 80, Seconds: 20, ScenarioKey.Throughput, OwnSides),
        new("steady", Streams: 5_000, Rate: 20, Seconds: 30, ScenarioKey.Latency, OwnSides),
        new("idle", Streams: 9_000, Rate: 0, Seconds: 0, ScenarioKey.Memory, OwnSides),
    ];

    /// <summary>
    /// The loads of issue 14: every side offered more than any can take, then a steady 100,000 deliveries a second;
    /// and the scale curve of the package and the baseline, the same deliveries a second over 1,000 to 18,000 streams.
    /// </summary>
    public static IReadOnlyList<Scenario> Issue14 { get; } =
    [
        new("saturated", Streams: 9_000, Rate: SaturatedRate, Seconds: SaturatedSeconds, ScenarioKey.Throughput, AllSides),
        new("steady", Streams: 5_000, Rate: 20, Seconds: 16, ScenarioKey.Latency, AllSides),
        .. new[] { 1_000, 3_000, 9_000, 18_000 }.Select(streams =>
            new Scenario("scale", streams, ScaleDeliveriesPerSecond / streams, Seconds: 8, ScenarioKey.Cost, OwnSides)),
    ];

    // 1.8 million deliveries a second offered: more than any side delivers on its core, or the load reads on its own.
    private const int SaturatedRate = 200;

    // Long enough that the measured window (its middle half) starts after every stream's backlog and the buffers behind
    // it have grown to what this load needs, which takes several seconds: in a 10-second run the window (2.5-7.5 s) fell
    // inside that growth, and the package's allocation read 2.3-3.0 B per delivery instead of 0.1 B.
    private const int SaturatedSeconds = 30;

    // Below every side's ceiling at every point, so that each point costs what a delivery costs, not what a backlog does.
    private const int ScaleDeliveriesPerSecond = 72_000;

    public static async Task<int> RunAsync(IReadOnlyList<Scenario> scenarios, int attempts, TextWriter output)
    {
        await using var redis = await RedisProcess.StartAsync();
        WriteMachine(output, redis.Version);

        // The first run of a fresh load program and a fresh Redis is slower on their side of the machine: the server of
        // that run waits for them (85-91% of its core instead of 99-100%), its latencies swing by seconds, and its
        // catch-up afterwards can pass for the best attempt. One run of the first scenario that nobody counts takes that.
        var first = scenarios.FirstOrDefault(scenario => scenario.Rate > 0);
        if (first is not null)
        {
            output.WriteLine($"warm-up: {first.Name} once on {first.Sides[0].Name}, not counted");
            await RunOneAsync(redis, first, first.Sides[0], attempt: 0, output);
            await redis.FlushAsync();
        }

        var runs = new List<RunResult>();
        foreach (var scenario in scenarios)
        {
            output.WriteLine(scenario.Rate == 0
                ? $"{scenario.Name}: {scenario.Streams:N0} streams, no events"
                : $"{scenario.Name}: {scenario.Streams:N0} streams, {scenario.Rate} events/s for {scenario.Seconds} s");
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                foreach (var side in scenario.Sides)
                {
                    var run = await RunOneAsync(redis, scenario, side, attempt, output);
                    runs.Add(run);
                    await redis.FlushAsync();
                }
            }
        }

        output.WriteLine();
        output.WriteLine("Every attempt:");
        output.WriteLine();
        ResultTable.WriteHeader(output);
        foreach (var run in runs)
        {
            ResultTable.WriteRow(output, run);
        }

        var best = scenarios.SelectMany(scenario => scenario.Sides.Select(side => Best(runs, scenario, side))).ToList();
        var compared = best.Where(run => run.Scenario.Key != ScenarioKey.Cost).ToList();
        if (compared.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("The better attempt of each side, and the package's figures over each other side's:");
            output.WriteLine();
            ResultTable.WriteHeader(output);
            foreach (var scenario in scenarios.Where(scenario => scenario.Key != ScenarioKey.Cost))
            {
                var rows = compared.Where(run => run.Scenario == scenario).ToList();
                foreach (var row in rows)
                {
                    ResultTable.WriteRow(output, row with { Attempt = 0 });
                }

                foreach (var other in rows.Skip(1))
                {
                    ResultTable.WriteRatio(output, rows[0], other);
                }
            }
        }

        var curve = best.Where(run => run.Scenario.Key == ScenarioKey.Cost).ToList();
        if (curve.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("The scale curve, the better attempt of each point:");
            output.WriteLine();
            ScaleTable.Write(output, curve);
        }

        output.WriteLine();
        var met = TargetCheck.Write(output, runs, best);
        output.WriteLine();
        output.WriteLine(LoadAverages());
        return met ? 0 : 1;
    }

    private static async Task<RunResult> RunOneAsync(RedisProcess redis, Scenario scenario, BenchSide side, int attempt, TextWriter output)
    {
        await using var server = await ServerProcess.StartAsync(side.Server, redis.Configuration, Channel, output);
        await using var publisher = await side.CreatePublisherAsync(redis.Configuration, Channel);
        var target = new RunTarget(side.StreamUrl(server.Address, Channel), side.Streams, redis.Configuration, server.Id, HasControlEndpoints: true);
        using var load = new LoadRun(target, publisher, output);
        var run = await load.ExecuteAsync(scenario, side.Name, attempt);
        output.WriteLine(scenario.Rate == 0
            ? string.Create(CultureInfo.InvariantCulture, $"  {side.Name} #{attempt}: {run.MemoryPerStream / 1024:0.0} KB per idle stream, dropped {run.Dropped}")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"  {side.Name} #{attempt}: {run.DeliveriesPerSecond:N0} deliveries/s, p99 {run.P99 / 1000.0:0.00} ms, lost {run.Lost:N0}, behind {run.Behind:N0}, dropped {run.Dropped}, {run.CpuPerDelivery:0.00} µs CPU and {run.AllocatedPerDelivery:0.00} B ({run.PoolAllocatedPerDelivery:0.00} B Kestrel pool) per delivery, server CPU {run.ServerCpu:0%}, other load on its core {run.ServerCoreOther:0%}"));
        return run;
    }

    private static RunResult Best(List<RunResult> runs, Scenario scenario, BenchSide side)
    {
        var attempts = runs.Where(run => run.Scenario == scenario && run.Side == side.Name);
        return scenario.Key switch
        {
            ScenarioKey.Throughput => attempts.MaxBy(run => run.DeliveriesPerSecond)!,
            ScenarioKey.Latency => attempts.MinBy(run => run.P99 ?? long.MaxValue)!,
            ScenarioKey.Cost => attempts.MinBy(run => run.CpuPerDelivery ?? double.MaxValue)!,
            _ => attempts.MinBy(run => run.MemoryPerStream ?? double.MaxValue)!,
        };
    }

    private static void WriteMachine(TextWriter output, string redisVersion)
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var memory = File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Machine: {CpuPinning.MachineCores} cores ({model}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024.0:0} GiB; {RuntimeInformation.FrameworkDescription}; Redis {redisVersion}."));
        output.WriteLine(CpuPinning.Available
            ? $"Server pinned to core {CpuPinning.ServerCore}; Redis and the load program to core {CpuPinning.LoadCore}."
            : "Not pinned (needs taskset and two cores): expect figures to swing from run to run.");
        output.WriteLine(LoadAverages());
        output.WriteLine();
    }

    /// <summary>The machine's load averages, printed before and after: on a shared machine, how busy the others were.</summary>
    private static string LoadAverages()
    {
        var averages = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ') : [];
        return averages.Length >= 3
            ? $"Load averages (1, 5, 15 min) at {DateTime.UtcNow:HH:mm} UTC: {averages[0]}, {averages[1]}, {averages[2]}."
            : "Load averages: not available.";
    }
}
