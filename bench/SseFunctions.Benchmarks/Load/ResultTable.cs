using System.Globalization;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Prints runs as a Markdown table: each side's row, then the ratio of the package's figures to another side's.</summary>
internal static class ResultTable
{
    /// <summary>Above this share of its core, the load program may be what limits the run, and the row says so.</summary>
    private const double ClientBoundCpu = 0.9;

    private static readonly string[] Header =
    [
        "scenario", "side", "streams", "events/s", "offered/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "lost",
        "dropped", "KB/idle stream", "redis conns", "alloc B/delivery", "of it Kestrel pool", "CPU µs/delivery", "server CPU",
        "other load on server core", "client CPU",
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
            idle ? "—" : Count(run.Lost)
                + (run.Duplicates > 0 ? $" (+{run.Duplicates:N0} dup)" : string.Empty)
                + (run.Behind > 0 ? $" ({run.Behind:N0} behind)" : string.Empty),
            Count(run.Dropped),
            Decimal(run.MemoryPerStream / 1024),
            Count(run.RedisConnections),
            Decimal(run.AllocatedPerDelivery),
            Decimal(run.PoolAllocatedPerDelivery),
            Decimal(run.CpuPerDelivery, "0.00"),
            Percent(run.ServerCpu),
            Percent(run.ServerCoreOther),
            Percent(run.ClientCpu) + (run.ClientCpu >= ClientBoundCpu ? " (client-bound)" : string.Empty));
    }

    /// <summary>The package's figures divided by <paramref name="other"/>'s.</summary>
    public static void WriteRatio(TextWriter output, RunResult package, RunResult other)
    {
        var idle = package.Scenario.Rate == 0;
        WriteCells(
            output,
            package.Scenario.Name,
            $"**{package.Side} / {other.Side}**",
            string.Empty,
            string.Empty,
            string.Empty,
            idle ? "—" : Ratio(package.DeliveriesPerSecond, other.DeliveriesPerSecond),
            Ratio(package.P50, other.P50),
            Ratio(package.P99, other.P99),
            Ratio(package.Max, other.Max),
            string.Empty,
            string.Empty,
            Ratio(package.MemoryPerStream, other.MemoryPerStream),
            Ratio(package.RedisConnections, other.RedisConnections),
            Ratio(package.AllocatedPerDelivery, other.AllocatedPerDelivery),
            string.Empty,
            Ratio(package.CpuPerDelivery, other.CpuPerDelivery),
            Ratio(package.ServerCpu, other.ServerCpu),
            string.Empty,
            Ratio(package.ClientCpu, other.ClientCpu));
    }

    public static void WriteCells(TextWriter output, params string[] cells) =>
        output.WriteLine("| " + string.Join(" | ", cells) + " |");

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Decimal(double? value, string format = "0.0") =>
        value is { } number ? number.ToString(format, CultureInfo.InvariantCulture) : "—";

    public static string Percent(double? cores) =>
        cores is { } value ? value.ToString("0%", CultureInfo.InvariantCulture) : "n/a";

    public static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) : "—";

    private static string Milliseconds(long? microseconds) =>
        microseconds is { } value ? (value / 1000.0).ToString("0.00", CultureInfo.InvariantCulture) : "—";
}
