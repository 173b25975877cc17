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
