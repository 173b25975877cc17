using Microsoft.Extensions.Hosting;
using SseFunctions.Brokers;
using SseFunctions.Streaming;

namespace SseFunctions.Hosting;

/// <summary>
/// Creates the broker when the host starts, so that a missing or malformed Redis setting fails start-up rather than the
/// first request, starts connecting to Redis, and ends every stream gracefully as soon as the application begins to stop.
/// </summary>
internal sealed class SseLifetimeService(ISseBroker broker, StreamSupervisor supervisor, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(supervisor.Stop);
        if (broker is RedisSseBroker redis)
        {
            // Not awaited: a Redis that is down for a moment must not hold start-up; streams and publishes wait for it.
            _ = redis.WarmUpAsync();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        supervisor.Stop();
        return _stopping.DisposeAsync().AsTask();
    }
}
