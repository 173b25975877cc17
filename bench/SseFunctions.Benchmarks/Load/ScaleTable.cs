namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Prints the scale curve: for each side, the same deliveries a second spread over more and more streams, with the
/// server's CPU per delivery and memory per stream at each point, and the largest point's figures over the smallest's.
/// </summary>
internal static class ScaleTable
{
    private static readonly string[] Header =
    [
        "side", "streams", "events/s", "offered/s", "delivered/s", "lost", "dropped", "CPU µs/delivery", "KB/stream",
        "alloc B/delivery", "server CPU", "other load on server core", "client CPU",
    ];

    public static void Write(TextWriter output, IReadOnlyList<RunResult> points)
    {
        output.WriteLine("| " + string.Join(" | ", Header) + " |");
        output.WriteLine("|" + string.Concat(Header.Select(_ => "---|")));
        foreach (var side in points.Select(point => point.Side).Distinct())
        {
            var curve = points.Where(point => point.Side == side).OrderBy(point => point.Scenario.Streams).ToList();
            foreach (var point in curve)
            {
                ResultTable.WriteCells(
                    output,
                    side,
                    ResultTable.Count(point.Scenario.Streams),
                    ResultTable.Count(point.Scenario.Rate),
                    ResultTable.Count((long)point.Scenario.Streams * point.Scenario.Rate),
                    ResultTable.Count((long)point.DeliveriesPerSecond),
                    ResultTable.Count(point.Lost),
                    ResultTable.Count(point.Dropped),
                    ResultTable.Decimal(point.CpuPerDelivery, "0.00"),
                    ResultTable.Decimal(point.MemoryPerStream / 1024),
                    ResultTable.Decimal(point.AllocatedPerDelivery),
                    ResultTable.Percent(point.ServerCpu),
                    ResultTable.Percent(point.ServerCoreOther),
                    ResultTable.Percent(point.ClientCpu));
            }

            var (smallest, largest) = (curve[0], curve[^1]);
            ResultTable.WriteCells(
                output,
                $"**{side}: {largest.Scenario.Streams:N0} / {smallest.Scenario.Streams:N0}**",
                string.Empty,
                string.Empty,
                string.Empty,
                string.Empty,
                string.Empty,
                string.Empty,
                ResultTable.Ratio(largest.CpuPerDelivery, smallest.CpuPerDelivery),
                ResultTable.Ratio(largest.MemoryPerStream, smallest.MemoryPerStream),
                string.Empty,
                string.Empty,
                string.Empty,
                string.Empty);
        }
    }
}
