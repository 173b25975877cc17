using System.Globalization;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Prints runs as a Markdown table: each side's row, then the package/baseline ratio of every figure.</summary>
internal static class ResultTable
{
    /// <summary>Above this share of its core, the load program may be what limits the run, and the row says so.</summary>
    private const double ClientBoundCpu = 0.9;

    private static readonly string[] Header =
    [
        "scenario", "side", "streams", "events/s", "offered/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "lost",
        "dropped", "KB/idle stream", "redis conns", "alloc B/delivery", "server CPU", "other load on server core", "client CPU",
    ];

    public static void WriteHeader(TextWriter output)
    {
        output.WriteLine("| " + string.Join(" | ", Header) + " |");
        output.WriteLine("|" + string.Concat(Header.Select(_ => "---|")));
    }

    public static void WriteRow(TextWriter output, RunResult run)
    {
        var scenario = run.Scenario;
        var idle = scenario.Rate == 0;
        WriteCells(
            output,
            scenario.Name,
            run.Side + (run.Attempt > 0 ? $" #{run.Attempt}" : string.Empty),
            Count(scenario.Streams),
            Count(scenario.Rate),
            Count((long)scenario.Streams * scenario.Rate),
            idle ? "—" : Count((long)run.DeliveriesPerSecond),
            Milliseconds(run.P50),
            Milliseconds(run.P99),
            Milliseconds(run.Max),
            idle ? "—" : Count(run.Lost) + (run.Duplicates > 0 ? $" (+{run.Duplicates:N0} dup)" : string.Empty),
            Count(run.Dropped),
            run.MemoryPerStream is { } memory ? (memory / 1024).ToString("0.0", CultureInfo.InvariantCulture) : "n/a",
            Count(run.RedisConnections),
            run.AllocatedPerDelivery is { } allocated ? allocated.ToString("0.0", CultureInfo.InvariantCulture) : "—",
            Percent(run.ServerCpu),
            Percent(run.ServerCoreOther),
            Percent(run.ClientCpu) + (run.ClientCpu >= ClientBoundCpu ? " (client-bound)" : string.Empty));
    }

    public static void WriteRatio(TextWriter output, RunResult package, RunResult baseline)
    {
        var idle = package.Scenario.Rate == 0;
        WriteCells(
            output,
            package.Scenario.Name,
            "**ratio**",
            string.Empty,
            string.Empty,
            string.Empty,
            idle ? "—" : Ratio(package.DeliveriesPerSecond, baseline.DeliveriesPerSecond),
            Ratio(package.P50, baseline.P50),
            Ratio(package.P99, baseline.P99),
            Ratio(package.Max, baseline.Max),
            string.Empty,
            string.Empty,
            Ratio(package.MemoryPerStream, baseline.MemoryPerStream),
            Ratio(package.RedisConnections, baseline.RedisConnections),
            Ratio(package.AllocatedPerDelivery, baseline.AllocatedPerDelivery),
            Ratio(package.ServerCpu, baseline.ServerCpu),
            string.Empty,
            Ratio(package.ClientCpu, baseline.ClientCpu));
    }

    private static void WriteCells(TextWriter output, params string[] cells) =>
        output.WriteLine("| " + string.Join(" | ", cells) + " |");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Milliseconds(long? microseconds) =>
        microseconds is { } value ? (value / 1000.0).ToString("0.00", CultureInfo.InvariantCulture) : "—";

    private static string Percent(double? cores) =>
        cores is { } value ? value.ToString("0%", CultureInfo.InvariantCulture) : "n/a";

    private static string Ratio(double? package, double? baseline) =>
        package is { } p && baseline is { } b && b > 0 ? (p / b).ToString("0.00", CultureInfo.InvariantCulture) : "—";
}
