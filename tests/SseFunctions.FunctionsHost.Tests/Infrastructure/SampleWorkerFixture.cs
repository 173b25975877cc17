using SseFunctions.FunctionsHost.Tests.Host;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Infrastructure;

/// <summary>One redis-server and one <c>functions-sample</c> worker under a test host, shared by tests that leave both as they found them.</summary>
public sealed class SampleWorkerFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public FunctionsTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Host = await SampleApp.StartAsync(Redis);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
