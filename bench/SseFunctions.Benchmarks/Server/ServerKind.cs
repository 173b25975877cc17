namespace SseFunctions.Benchmarks.Server;

/// <summary>Which fan-out a benchmark server runs.</summary>
internal enum ServerKind
{
    /// <summary>The package: <c>AddSse</c> and <c>MapSse</c> with default options.</summary>
    Package,

    /// <summary>The leanest fan-out that still streams: what the package is measured against.</summary>
    Baseline,

    /// <summary>ASP.NET Core SignalR with its Redis backplane: the hub at <c>/hub</c>, every transport on.</summary>
    SignalR,
}
