using SseFunctions.Benchmarks.Clients;

namespace SseFunctions.Benchmarks.Load;

/// <summary>What one run loads: the stream URL, the Redis its events go through, and the server process when it is ours.</summary>
/// <param name="StreamUrl">The SSE endpoint with its query, for example <c>http://127.0.0.1:5000/stream?channel=bench</c>, or a SignalR hub.</param>
/// <param name="Streams">The protocol the streams speak.</param>
/// <param name="RedisConfiguration">The Redis the server listens to, as <c>host:port</c>.</param>
/// <param name="ServerProcessId">The server's process id, for its memory and CPU; null for a server started elsewhere.</param>
/// <param name="HasControlEndpoints">Whether the server is a benchmark server with <c>/bench/collect</c> and <c>/bench/allocated</c>.</param>
internal sealed record RunTarget(Uri StreamUrl, StreamKind Streams, string RedisConfiguration, int? ServerProcessId, bool HasControlEndpoints);
