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
        ILoggerFactory loggerFactory,
        ISseRedisCredentialProvider? credentials,
        TimeProvider time)
    {
        var (settingName, url) = FindRedisUrl(options, configuration);
        if (url is not null)
        {
            var redis = RedisUrlParser.Parse(settingName, url, options.ConnectTimeout);
            var signIn = SignIn(configuration.GetSection(settingName), credentials, time, loggerFactory);
            return new RedisSseBroker(
                new RedisConnection(redis, loggerFactory.CreateLogger<RedisConnection>(), signIn),
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

    /// <summary>The credential renewal the settings or the registrations ask for, or null to sign in with the URL's password.</summary>
    private static RedisCredentialRenewal? SignIn(IConfigurationSection connection, ISseRedisCredentialProvider? credentials, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (credentials is null)
        {
            var kind = connection["credential"];
            return string.IsNullOrWhiteSpace(kind)
                ? null
                : throw new InvalidOperationException(
                    $"The setting {connection.Path.Replace(":", "__", StringComparison.Ordinal)}__credential is '{kind}', but nothing in this app " +
                    "signs in to Redis with Microsoft Entra ID: reference the SseFunctions.EntraId package and call " +
                    "services.AddSseEntraId() (an Azure Functions app gets both from SseFunctions.Worker's UseSseOutput()).");
        }

        return new RedisCredentialRenewal(credentials, connection, time, loggerFactory.CreateLogger<RedisCredentialRenewal>());
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
