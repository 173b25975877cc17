using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>The fan-out tests over the in-memory broker (no Redis URL, Development), which must behave as Redis does.</summary>
public sealed class InMemoryFanOutTests : FanOutTests
{
    protected override Task<SseTestHost> StartHostAsync(Action<SseOptions>? configure = null) =>
        SseTestHost.StartAsync(redisUrl: null, configure);
}
