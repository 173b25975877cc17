using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// Where the broker's one multiplexer comes from: the app's own (<c>AddSse</c> given one, or one in DI), which the
/// package uses and never disposes, or one the package creates from the settings, once, retrying a failed connect on
/// the next call rather than keeping the failure.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions? _configuration;
    private readonly RedisCredentialRenewal? _signIn;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task<IConnectionMultiplexer>? _connecting;

    /// <summary>Uses the app's multiplexer; the app owns it.</summary>
    public RedisConnection(IConnectionMultiplexer shared, ILogger logger)
    {
        _connecting = Task.FromResult(shared);
        _logger = logger;
        Endpoints = Describe(shared.GetEndPoints());
    }

    /// <summary>
    /// Creates a multiplexer from the settings when first needed; the package owns it. <paramref name="signIn"/>, when
    /// given, signs it in with a credential that expires (Microsoft Entra ID) instead of the settings' password.
    /// </summary>
    public RedisConnection(ConfigurationOptions configuration, ILogger logger, RedisCredentialRenewal? signIn = null)
    {
        _configuration = configuration;
        _signIn = signIn;
        _logger = logger;
        Endpoints = Describe([.. configuration.EndPoints]);
    }

    /// <summary>The configured endpoints, for messages that tell an operator which Redis is meant.</summary>
    public string Endpoints { get; }

    /// <summary>The multiplexer if it exists already, else null; never waits.</summary>
    public IConnectionMultiplexer? Current => _connecting is { IsCompletedSuccessfully: true } task ? task.Result : null;

    public Task<IConnectionMultiplexer> GetAsync()
    {
        lock (_gate)
        {
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync(_configuration!);
            }

            return _connecting;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_signIn is not null)
        {
            await _signIn.DisposeAsync().ConfigureAwait(false);
        }

        if (_configuration is not null && Current is { } owned)
        {
            await owned.CloseAsync().ConfigureAwait(false);
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Describe(IEnumerable<System.Net.EndPoint> endPoints) =>
        string.Join(", ", endPoints.Select(endPoint => endPoint switch
        {
            System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => endPoint.ToString() ?? "?",
        }));

    private async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        // A credential that cannot be had fails this attempt; the next call tries again.
        var renewing = _signIn is not null && await _signIn.ApplyAsync(configuration, CancellationToken.None).ConfigureAwait(false);

        // AbortOnConnectFail is off: this returns even while Redis is down, and the multiplexer keeps reconnecting.
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        if (renewing)
        {
            _signIn!.Start(connection);
        }

        if (!connection.IsConnected)
        {
            LogRedisUnreachableAtStart(Endpoints);
        }

        return connection;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is not reachable yet; SseFunctions keeps trying to connect.")]
    private partial void LogRedisUnreachableAtStart(string endpoints);
}
