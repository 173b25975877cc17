namespace SseFunctions.Tests.Infrastructure;

/// <summary>One line of <c>CLUSTER NODES</c>, as one node sees the cluster.</summary>
public sealed record ClusterNode(string Id, int Port, bool IsPrimary, bool IsFailing, string? PrimaryId, IReadOnlyList<(int First, int Last)> Slots)
{
    public static IReadOnlyList<ClusterNode> ParseAll(string reply) =>
        [.. reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];

    public bool Owns(int slot) => Slots.Any(range => range.First <= slot && slot <= range.Last);

    private static ClusterNode Parse(string line)
    {
        // <id> <ip:port@cport> <flags> <primary> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...
        var fields = line.Split(' ');
        var address = fields[1].Split('@')[0];
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var flags = fields[2].Split(',');
        var slots = fields.Skip(8)
            .Where(slot => !slot.StartsWith('['))
            .Select(slot => slot.Split('-'))
            .Select(range => (int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[^1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        return new ClusterNode(
            fields[0],
            port,
            flags.Contains("master"),
            flags.Contains("fail") || flags.Contains("fail?"),
            fields[3] == "-" ? null : fields[3],
            slots);
    }
}
