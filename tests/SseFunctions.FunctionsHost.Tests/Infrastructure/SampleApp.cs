using SseFunctions.FunctionsHost.Tests.Host;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Infrastructure;

/// <summary>Starts <c>functions-sample</c>'s worker under a test host, on the test's redis-server.</summary>
internal static class SampleApp
{
    public static Task<FunctionsTestHost> StartAsync(RedisServer redis) => StartAsync(FunctionApps.Sample, redis);

    public static Task<FunctionsTestHost> StartAsync(string appDirectory, RedisServer redis, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["SSE_REDIS_URL"] = redis.Url };
        return FunctionsTestHost.StartAsync(appDirectory, all);
    }
}
