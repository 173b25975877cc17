using SseFunctions.Benchmarks.Clients;
using SseFunctions.Benchmarks.Server;

namespace SseFunctions.Benchmarks.Load;

/// <summary>One side of the comparison: which server runs, how its events are published, and how its streams read.</summary>
/// <param name="Name">The side's name in the tables.</param>
/// <param name="Server">The server process's fan-out.</param>
/// <param name="Streams">The protocol the load's streams speak to it.</param>
internal sealed record BenchSide(string Name, ServerKind Server, StreamKind Streams)
{
    public static BenchSide Package { get; } = new("Package", ServerKind.Package, StreamKind.ServerSentEvents);

    public static BenchSide Baseline { get; } = new("Baseline", ServerKind.Baseline, StreamKind.ServerSentEvents);

    public static BenchSide SignalRWebSockets { get; } = new("SignalR WebSockets", ServerKind.SignalR, StreamKind.SignalRWebSockets);

    public static BenchSide SignalRSse { get; } = new("SignalR SSE", ServerKind.SignalR, StreamKind.SignalRServerSentEvents);

    /// <summary>Every side, by the name <c>--sides</c> takes.</summary>
    public static IReadOnlyDictionary<string, BenchSide> ByOption { get; } = new Dictionary<string, BenchSide>(StringComparer.OrdinalIgnoreCase)
    {
        ["package"] = Package,
        ["baseline"] = Baseline,
        ["signalr-ws"] = SignalRWebSockets,
        ["signalr-sse"] = SignalRSse,
    };

    /// <summary>Where the streams connect on a server listening at <paramref name="server"/>.</summary>
    public Uri StreamUrl(Uri server, string channel) => Server == ServerKind.SignalR
        ? new Uri(server, BenchHub.Path)
        : new Uri(server, "/stream?channel=" + channel);

    /// <summary>The publisher of another process of the same app: the package's, a plain <c>PUBLISH</c>, or a hub context.</summary>
    public async Task<IEventPublisher> CreatePublisherAsync(string redisConfiguration, string channel) => Server switch
    {
        ServerKind.Package => new PackagePublisher(redisConfiguration, channel),
        ServerKind.SignalR => new SignalRPublisher(redisConfiguration),
        _ => await PlainPublisher.ConnectAsync(redisConfiguration, channel),
    };
}
