using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using StackExchange.Redis;

namespace SseFunctions.Configuration;

/// <summary>
/// Chooses the broker from the settings: <see cref="SseOptions.RedisUrl"/>, then <c>SSE_REDIS_URL</c>, then
/// <c>REDIS_URL</c> (empty counts as unset); none in Development means the in-memory broker, none elsewhere is an error.
/// </summary>
internal static class SseBrokerFactory
{
    public const string PrimarySetting = "SSE_REDIS_URL";
    public const string FallbackSetting = "REDIS_URL";

    public static ISseBroker Create(
        SseOptions options,
        IConfiguration configuration,
        IHostEnvironment environment,
        SseMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        var (settingName, url) = FindRedisUrl(options, configuration);
        if (url is not null)
        {
            var redis = RedisUrlParser.Parse(settingName, url, options.ConnectTimeout);
            return new RedisSseBroker(
                new RedisConnection(redis, loggerFactory.CreateLogger<RedisConnection>()),
                options,
                metrics,
                loggerFactory.CreateLogger<RedisSseBroker>());
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"SseFunctions needs Redis: set the app setting {PrimarySetting} (or {FallbackSetting}) to a redis:// URL or a " +
                $"StackExchange.Redis connection string. Only the Development environment falls back to an in-memory broker, " +
                $"and this environment is '{environment.EnvironmentName}'.");
        }

        loggerFactory.CreateLogger(typeof(SseBrokerFactory).FullName!).LogWarning(
            "Neither {PrimarySetting} nor {FallbackSetting} is set: SseFunctions uses an in-memory broker, which only reaches " +
            "streams of this one process. Set {PrimarySetting} to share events between processes and instances.",
            PrimarySetting,
            FallbackSetting,
            PrimarySetting);
        return new InMemorySseBroker(options, TimeProvider.System);
    }

    /// <summary>The broker on the app's own multiplexer, which the app keeps owning.</summary>
    public static ISseBroker CreateShared(
        IConnectionMultiplexer connection,
        SseOptions options,
        SseMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new RedisSseBroker(
            new RedisConnection(connection, loggerFactory.CreateLogger<RedisConnection>()),
            options,
            metrics,
            loggerFactory.CreateLogger<RedisSseBroker>());
    }

    private static (string SettingName, string? Url) FindRedisUrl(SseOptions options, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(options.RedisUrl))
        {
            return ("Sse:RedisUrl", options.RedisUrl);
        }

        foreach (var name in new[] { PrimarySetting, FallbackSetting })
        {
            if (!string.IsNullOrWhiteSpace(configuration[name]))
            {
                return (name, configuration[name]);
            }
        }

        return (PrimarySetting, null);
    }
}
