using SseFunctions.FunctionsHost.Tests.Infrastructure;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Lifetime;

/// <summary>The host stops the worker (a deployment, a restart, a scale-in) while browsers are listening.</summary>
public sealed class WorkerTerminateTests
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WorkerTerminate_ends_open_streams_within_the_grace_period_and_the_worker_exits_0()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await SampleApp.StartAsync(redis);
        using var client = host.CreateClient();
        await using var first = await Streams.OpenAsync(client, "api/stream");
        await using var second = await Streams.OpenAsync(client, "api/stream?channel=other");

        var stopping = host.StopAsync(GracePeriod);

        // Ended cleanly (no exception): the worker finished the responses, and the forwarder passed the ending on.
        await Task.WhenAll(first.Ended, second.Ended).WaitAsync(GracePeriod);
        Assert.Equal(0, await stopping);
        Assert.True(host.Invocation(first.Response).Answered, "The first stream's invocation got no answer.");
        Assert.True(host.Invocation(second.Response).Answered, "The second stream's invocation got no answer.");
    }
}
