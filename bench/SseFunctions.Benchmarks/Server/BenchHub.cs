using Microsoft.AspNetCore.SignalR;

namespace SseFunctions.Benchmarks.Server;

/// <summary>
/// The SignalR side's hub. Clients call nothing on it: every event comes from another process through
/// <see cref="IHubContext{THub}"/> on the Redis backplane, whose channel is named after this type.
/// </summary>
internal sealed class BenchHub : Hub
{
    /// <summary>The client method every event invokes.</summary>
    public const string EventMethod = "event";

    /// <summary>Where the hub is mapped.</summary>
    public const string Path = "/hub";
}
