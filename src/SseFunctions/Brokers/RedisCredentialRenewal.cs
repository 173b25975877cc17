using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// Signs the multiplexer in with a credential that expires (a Microsoft Entra ID token): the first one before it
/// connects, then a new one when half the current one's life is gone, retried with back-off, after which every
/// connected server is signed in again (<c>AUTH</c>) so no live connection drops. Reconnects use the newest credential.
/// </summary>
/// <remarks>
/// <c>AUTH</c> goes over each server's interactive connection. Under RESP2 the subscription connection cannot take a
/// command, so it keeps its first sign-in; a server that closes it when that expires (Azure does) has it reconnect with
/// the newest credential, and the hub fills the gap from history. Under RESP3 there is one connection and no gap.
/// </remarks>
internal sealed partial class RedisCredentialRenewal : IAsyncDisposable
{
    private static readonly TimeSpan ShortestWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetryWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);

    private readonly ISseRedisCredentialProvider _provider;
    private readonly IConfigurationSection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private SseRedisCredential? _current;
    private Task _renewing = Task.CompletedTask;

    public RedisCredentialRenewal(ISseRedisCredentialProvider provider, IConfigurationSection connection, TimeProvider time, ILogger logger)
    {
        _provider = provider;
        _connection = connection;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Gets the first credential and makes <paramref name="configuration"/> sign in with the newest one from now on.
    /// False when the settings ask for no credential.
    /// </summary>
    /// <exception cref="SseBrokerUnavailableException">No credential could be had; the message says why, without a secret.</exception>
    public async Task<bool> ApplyAsync(ConfigurationOptions configuration, CancellationToken cancellationToken)
    {
        try
        {
            _current = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SseBrokerUnavailableException exception)
        {
            LogSignInFailed(exception.Message);
            throw;
        }

        if (_current is null)
        {
            return false;
        }

        configuration.User = null;
        configuration.Password = null;
        configuration.Defaults = new RenewedCredentialOptionsProvider(() => Volatile.Read(ref _current)!);
        return true;
    }

    /// <summary>Keeps the credential of <paramref name="connection"/> fresh until disposed.</summary>
    public void Start(IConnectionMultiplexer connection) => _renewing = RenewAsync(connection, _stop.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RenewAsync(IConnectionMultiplexer connection, CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var current = Volatile.Read(ref _current)!;
            var wait = failures == 0
                ? (current.ExpiresOn - _time.GetUtcNow()) / 2
                : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failures - 1), LongestRetryWait.TotalSeconds));
            try
            {
                await Task.Delay(wait < ShortestWait ? ShortestWait : wait, _time, stop).ConfigureAwait(false);
                var renewed = await GetCredentialAsync(stop).ConfigureAwait(false) ?? current;
                failures = 0;
                Volatile.Write(ref _current, renewed);
                if (renewed.Password != current.Password)
                {
                    await SignInAgainAsync(connection, renewed).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SseBrokerUnavailableException exception)
            {
                failures++;
                LogRenewalFailed(exception.Message, current.ExpiresOn);
            }
        }
    }

    private async Task SignInAgainAsync(IConnectionMultiplexer connection, SseRedisCredential credential)
    {
        foreach (var server in connection.GetServers())
        {
            if (!server.IsConnected)
            {
                // It signs in with the new credential when it connects.
                continue;
            }

            try
            {
                await server.ExecuteAsync("AUTH", credential.User, credential.Password).WaitAsync(AuthTimeout).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // The connection keeps its earlier sign-in until the server ends it; it then reconnects with this one.
                var reason = exception is RedisServerException ? exception.Message.Replace(credential.Password, "…", StringComparison.Ordinal) : exception.GetType().Name;
                LogSignInAgainFailed(server.EndPoint.ToString() ?? "?", credential.User, reason);
            }
        }

        LogRenewed(credential.User, credential.ExpiresOn);
    }

    private async Task<SseRedisCredential?> GetCredentialAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _provider.GetCredentialAsync(_connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the credential threw (Azure.Identity's own messages say why and hold no token).
            throw new SseBrokerUnavailableException($"SseFunctions cannot sign in to Redis: {exception.Message}", exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason} Publishing and streaming wait until it can.")]
    private partial void LogSignInFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewed the Redis credential of {User} (now valid until {ExpiresOn:u}) and signed the live connections in again.")]
    private partial void LogRenewed(string user, DateTimeOffset expiresOn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the Redis credential (the current one expires at {ExpiresOn:u}); trying again with back-off. {Reason}")]
    private partial void LogRenewalFailed(string reason, DateTimeOffset expiresOn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sign the connection to {Endpoint} in again as {User} ({Reason}); it reconnects with the new credential when Redis closes it.")]
    private partial void LogSignInAgainFailed(string endpoint, string user, string reason);
}
