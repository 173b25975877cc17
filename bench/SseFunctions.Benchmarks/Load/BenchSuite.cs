using System.Globalization;
using System.Runtime.InteropServices;
using SseFunctions.Benchmarks.Server;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Runs scenarios against both servers in turn on the benchmark's own Redis, each side several times (the better
/// attempt counts), and prints every attempt, the table of the better ones with their ratios, and the targets.
/// </summary>
internal static class BenchSuite
{
    public const string Channel = "bench";

    /// <summary>The loads of issue 5: 720,000 deliveries a second offered, a steady 100,000, and idle memory.</summary>
    public static IReadOnlyList<Scenario> Issue5 { get; } =
    [
        new("saturated", Streams: 9_000, Rate: 80, Seconds: 20, ScenarioKey.Throughput),
        new("steady", Streams: 5_000, Rate: 20, Seconds: 30, ScenarioKey.Latency),
        new("idle", Streams: 9_000, Rate: 0, Seconds: 0, ScenarioKey.Memory),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<Scenario> scenarios, int attempts, TextWriter output)
    {
        await using var redis = await RedisProcess.StartAsync();
        WriteMachine(output, redis.Version);

        var runs = new List<RunResult>();
        foreach (var scenario in scenarios)
        {
            output.WriteLine(scenario.Rate == 0
                ? $"{scenario.Name}: {scenario.Streams:N0} streams, no events"
                : $"{scenario.Name}: {scenario.Streams:N0} streams, {scenario.Rate} events/s for {scenario.Seconds} s");
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                foreach (var kind in new[] { ServerKind.Package, ServerKind.Baseline })
                {
                    var run = await RunOneAsync(redis, scenario, kind, attempt, output);
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

        output.WriteLine();
        output.WriteLine("The better attempt of each side, and package/baseline:");
        output.WriteLine();
        ResultTable.WriteHeader(output);
        var best = new List<(RunResult Package, RunResult Baseline)>();
        foreach (var scenario in scenarios)
        {
            var package = Best(runs, scenario, nameof(ServerKind.Package));
            var baseline = Best(runs, scenario, nameof(ServerKind.Baseline));
            ResultTable.WriteRow(output, package with { Attempt = 0 });
            ResultTable.WriteRow(output, baseline with { Attempt = 0 });
            ResultTable.WriteRatio(output, package, baseline);
            best.Add((package, baseline));
        }

        output.WriteLine();
        return TargetCheck.Write(output, runs, best) ? 0 : 1;
    }

    private static async Task<RunResult> RunOneAsync(RedisProcess redis, Scenario scenario, ServerKind kind, int attempt, TextWriter output)
    {
        await using var server = await ServerProcess.StartAsync(kind, redis.Configuration, Channel, output);
        await using IEventPublisher publisher = kind == ServerKind.Package
            ? new PackagePublisher(redis.Configuration, Channel)
            : await PlainPublisher.ConnectAsync(redis.Configuration, Channel);
        var target = new RunTarget(new Uri(server.Address, "/stream?channel=" + Channel), redis.Configuration, server.Id, HasControlEndpoints: true);
        using var load = new LoadRun(target, publisher, output);
        var run = await load.ExecuteAsync(scenario, kind.ToString(), attempt);
        output.WriteLine(scenario.Rate == 0
            ? string.Create(CultureInfo.InvariantCulture, $"  {kind} #{attempt}: {run.MemoryPerStream / 1024:0.0} KB per idle stream, dropped {run.Dropped}")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"  {kind} #{attempt}: {run.DeliveriesPerSecond:N0} deliveries/s, p99 {run.P99 / 1000.0:0.00} ms, lost {run.Lost:N0}, dropped {run.Dropped}, server CPU {run.ServerCpu:0%}, other load on its core {run.ServerCoreOther:0%}"));
        return run;
    }

    private static RunResult Best(List<RunResult> runs, Scenario scenario, string side)
    {
        var attempts = runs.Where(run => run.Scenario == scenario && run.Side == side);
        return scenario.Key switch
        {
            ScenarioKey.Throughput => attempts.MaxBy(run => run.DeliveriesPerSecond)!,
            ScenarioKey.Latency => attempts.MinBy(run => run.P99 ?? long.MaxValue)!,
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
        output.WriteLine();
    }
}
