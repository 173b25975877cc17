using Microsoft.AspNetCore.Builder;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Attacks;

/// <summary>
/// What an attack runs against: its own redis-server, the app on Kestrel in Production with default options but the
/// write timeout (and what a test adds), and the app's metrics.
/// </summary>
public sealed class AttackHost : IAsyncDisposable
{
    private AttackHost(RedisServer redis, SseTestHost host)
    {
        Redis = redis;
        Host = host;
        Metrics = new MetricRecorder(host.Services);
    }

    public RedisServer Redis { get; }

    public SseTestHost Host { get; }

    public MetricRecorder Metrics { get; }

    public ISsePublisher Publisher => Host.Publisher;

    public static async Task<AttackHost> StartAsync(
        TimeSpan writeTimeout,
        Action<SseOptions>? configure = null,
        Action<WebApplication>? map = null,
        Action<WebApplicationBuilder>? build = null)
    {
        var redis = await RedisServer.StartAsync();
        try
        {
            var host = await SseTestHost.StartAsync(
                redis.Url,
                options =>
                {
                    options.WriteTimeout = writeTimeout;
                    configure?.Invoke(options);
                },
                map,
                environment: "Production",
                build);
            return new AttackHost(redis, host);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        await Host.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
