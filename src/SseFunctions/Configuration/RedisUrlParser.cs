using System.Globalization;
using StackExchange.Redis;

namespace SseFunctions.Configuration;

/// <summary>
/// Turns a setting's value into StackExchange.Redis options: a <c>redis://</c> / <c>rediss://</c> URL as Flask-SSE and
/// most hosts write it, or a StackExchange.Redis connection string as Azure Cache for Redis gives it.
/// Errors name the setting and never repeat the password.
/// </summary>
internal static class RedisUrlParser
{
    public static ConfigurationOptions Parse(string settingName, string value, TimeSpan connectTimeout)
    {
        var trimmed = value.Trim();
        var options = trimmed.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
            ? ParseUrl(settingName, trimmed)
            : ParseConnectionString(settingName, trimmed);

        // Never fail start-up because Redis is down for a moment: the multiplexer keeps reconnecting.
        options.AbortOnConnectFail = false;

        // A command that cannot be sent now fails at once rather than waiting in a backlog behind a dead connection,
        // so a publish that was never sent says so.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = (int)connectTimeout.TotalMilliseconds;
        options.ClientName ??= "SseFunctions";
        return options;
    }

    private static ConfigurationOptions ParseUrl(string settingName, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid(settingName, "it is not a valid URL");
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        if (options.Ssl)
        {
            options.SslHost = uri.Host;
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        options.EndPoints.Add(uri.Host, port);

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (colon < 0)
            {
                // redis://secret@host: a lone user-info part can only be the password, since only the default user can authenticate.
                (user, password) = (string.Empty, user);
            }

            if (user.Length > 0 && !user.Equals("default", StringComparison.Ordinal))
            {
                options.User = user;
            }

            options.Password = password;
        }

        ApplyQuery(settingName, uri.Query, options);
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database))
            {
                // Not quoted: an unescaped '/' in a password puts the rest of the password in the path.
                throw Invalid(settingName, "its path is not a database number");
            }

            options.DefaultDatabase = database;
        }

        return options;
    }

    /// <summary>
    /// <c>?protocol=resp3</c> (or <c>3</c>, <c>resp2</c>, <c>2</c>), as redis-py spells it: RESP3 carries pub/sub on the
    /// interactive connection, so one socket per server serves both. Nothing else is read from the query.
    /// </summary>
    private static void ApplyQuery(string settingName, string query, ConfigurationOptions options)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0
                ? (pair[..equals], Uri.UnescapeDataString(pair[(equals + 1)..]))
                : (pair, string.Empty);
            if (!key.Equals("protocol", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(settingName, $"its query names '{Uri.UnescapeDataString(key)}', and only 'protocol' (resp2 or resp3) is understood");
            }

            options.Protocol = value.ToUpperInvariant() switch
            {
                "2" or "RESP2" => RedisProtocol.Resp2,
                "3" or "RESP3" => RedisProtocol.Resp3,
                _ => throw Invalid(settingName, "its protocol is neither resp2 nor resp3"),
            };
        }
    }

    private static ConfigurationOptions ParseConnectionString(string settingName, string value)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(value);
        }
        catch (ArgumentException exception)
        {
            // The client's own message may quote the value, password included: say what kind of fault it is, not the text.
            throw Invalid(settingName, $"it is neither a redis:// URL nor a StackExchange.Redis connection string ({exception.GetType().Name})");
        }

        if (options.EndPoints.Count == 0)
        {
            throw Invalid(settingName, "it names no host");
        }

        return options;
    }

    private static InvalidOperationException Invalid(string settingName, string reason) =>
        new($"The setting {settingName} is malformed: {reason}. Expected redis://[[user]:password@]host[:port][/db][?protocol=resp3], " +
            "rediss://… for TLS, or a StackExchange.Redis connection string such as " +
            "'name.redis.cache.windows.net:6380,password=…,ssl=True,abortConnect=False'.");
}
