using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SseFunctions;
using SseFunctions.Brokers;
using SseFunctions.Configuration;
using SseFunctions.Diagnostics;
using SseFunctions.Hosting;
using SseFunctions.Publishing;
using SseFunctions.Streaming;

// In the DI namespace, as AddOptions is, so that Program.cs needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SseFunctions.</summary>
public static class SseServiceCollectionExtensions
{
    /// <summary>
    /// Registers the publisher (<see cref="ISsePublisher"/>) and the stream, with options from the configuration section
    /// <c>Sse</c> and the Redis URL from <c>SSE_REDIS_URL</c>, then <c>REDIS_URL</c>. Without either, the Development
    /// environment uses an in-memory broker; any other environment fails at start-up.
    /// </summary>
    public static IServiceCollection AddSse(this IServiceCollection services) => services.AddSse(static _ => { });

    /// <summary>
    /// Registers SseFunctions on the app's own Redis connection, so that the process keeps one multiplexer for caching,
    /// SignalR and events alike: <paramref name="connection"/> resolves it, for example
    /// <c>sp =&gt; sp.GetRequiredService&lt;IConnectionMultiplexer&gt;()</c> for the one Aspire's <c>AddRedisClient</c>
    /// registers. The Redis URL settings are then not read, and the package never disposes the multiplexer. Give it
    /// <c>abortConnect=false</c> and <c>BacklogPolicy.FailFast</c> as the package's own has, so that a publish while
    /// Redis is away fails at once as not published rather than waiting in the client's backlog.
    /// </summary>
    public static IServiceCollection AddSse(
        this IServiceCollection services,
        Func<IServiceProvider, StackExchange.Redis.IConnectionMultiplexer> connection,
        Action<SseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);

        // Registered first, so that the settings' broker (a TryAdd) stays out.
        services.TryAddSingleton(provider => SseBrokerFactory.CreateShared(
            connection(provider),
            provider.GetRequiredService<SseOptions>(),
            provider.GetRequiredService<SseMetrics>(),
            provider.GetRequiredService<ILoggerFactory>()));
        return services.AddSse(configure ?? (static _ => { }));
    }

    /// <summary>Registers SseFunctions as <see cref="AddSse(IServiceCollection)"/> does; <paramref name="configure"/> wins over settings.</summary>
    public static IServiceCollection AddSse(this IServiceCollection services, Action<SseOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SseOptions>()
            .BindConfiguration(SseOptions.SectionName)
            .Configure(configure)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SseOptions>, SseOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => provider.GetRequiredService<IOptions<SseOptions>>().Value);
        services.TryAddSingleton<SseMetrics>();
        services.TryAddSingleton(static provider => SseBrokerFactory.Create(
            provider.GetRequiredService<SseOptions>(),
            provider.GetRequiredService<IConfiguration>(),
            provider.GetRequiredService<IHostEnvironment>(),
            provider.GetRequiredService<SseMetrics>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetService<ISseRedisCredentialProvider>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ChannelHub>();
        services.TryAddSingleton<StreamSupervisor>();
        services.TryAddSingleton<SseStreamHandler>();
        services.TryAddSingleton<ISsePublisher, SsePublisher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SseLifetimeService>());
        return services;
    }
}
