using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// The broker over Redis: one multiplexer for the whole process (one interactive and one subscription socket),
/// literal channels only, history in a Redis Stream per channel.
/// </summary>
/// <remarks>
/// Ordering: StackExchange.Redis 1.x calls subscription handlers and connection events one at a time, in arrival
/// order, on one queue: a loss is reported after the last message of the lost connection and before the first of the
/// next. Moving to 2.x means subscribing through its ordered <c>ChannelMessageQueue</c> here, since 2.x's handler
/// overload runs concurrently.
/// </remarks>
internal sealed partial class RedisSseBroker : ISseBroker
{
    private static readonly TimeSpan ResubscribePollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ResubscribeTimeout = TimeSpan.FromSeconds(30);

    private readonly ConfigurationOptions _configuration;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILogger<RedisSseBroker> _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly RedisKeyLayout _keys;
    private readonly string _endpoints;

    // Unsubscribing removes exactly the handler that subscribed, so a stream re-subscribing a channel while the last
    // one's unsubscribe is on its way keeps its subscription.
    private readonly ConcurrentDictionary<Action<byte[]>, (string Channel, Action<RedisChannel, RedisValue> Handler)> _redisHandlers = new();

    // Counts losses of the subscription connection, so that waiting for one restore gives up when the next loss came.
    private int _subscriptionLosses;

    public RedisSseBroker(ConfigurationOptions configuration, SseOptions options, SseMetrics metrics, ILogger<RedisSseBroker> logger)
    {
        _configuration = configuration;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _keys = new RedisKeyLayout(options.KeyPrefix);
        _endpoints = string.Join(", ", configuration.EndPoints.Select(Describe));
        _connection = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
    }

    public event Action? SubscriptionsLost;

    public event Action? SubscriptionsRestored;

    /// <summary>Starts connecting, so that the first stream or publish does not wait for it.</summary>
    public Task WarmUpAsync() => _connection.Value;

    public async Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken)
    {
        ConnectionMultiplexer connection;
        try
        {
            connection = await GetConnectionAsync(cancellationToken).WaitAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw Unreachable(exception, "the event was not published");
        }

        try
        {
            if (!appendToHistory)
            {
                var receivers = await connection.GetSubscriber()
                    .PublishAsync(Literal(channel), envelope)
                    .WaitAsync(_options.PublishTimeout, cancellationToken)
                    .ConfigureAwait(false);
                return new PublishReceipt(receivers, null);
            }

            var result = await connection.GetDatabase()
                .ScriptEvaluateAsync(
                    RedisScripts.PublishWithHistory,
                    [_keys.LastPosition, _keys.History(channel), _keys.FirstPosition],
                    [channel, envelope, _options.HistoryMaxLength, (long)_options.HistoryMaxAge.TotalMilliseconds])
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
            var parts = (RedisResult[])result!;
            return new PublishReceipt((long)parts[1], (string)parts[0]!);
        }
        catch (TimeoutException exception)
        {
            // The command may sit in a socket or in a busy Redis and still run: nobody can take it back.
            throw new SseBrokerUnavailableException(
                $"Redis at {_endpoints} did not answer within {_options.PublishTimeout.TotalSeconds:0.###} s (Sse:PublishTimeout). " +
                "The event may still be published once Redis gets to it; publishing it again may deliver it twice.",
                exception);
        }
        catch (RedisConnectionException exception) when (exception.FailureType == ConnectionFailureType.UnableToResolvePhysicalConnection)
        {
            throw Unreachable(exception, "the event was not published");
        }
        catch (RedisConnectionException exception)
        {
            throw new SseBrokerUnavailableException(
                $"The connection to Redis at {_endpoints} was lost while publishing ({exception.FailureType}). " +
                "The event may or may not have been published; publishing it again may deliver it twice.",
                exception);
        }
        catch (RedisServerException exception) when (IsUnavailable(exception))
        {
            throw Unreachable(exception, "the event was not published");
        }
    }

    public async Task SubscribeAsync(string channel, Action<byte[]> handler)
    {
        var connection = await GetConnectionAsync(CancellationToken.None).ConfigureAwait(false);

        var redisHandler = _redisHandlers.GetOrAdd(
            handler,
            static (handler, channel) => (channel, (_, message) => handler(message!)),
            channel);
        try
        {
            await connection.GetSubscriber().SubscribeAsync(Literal(channel), redisHandler.Handler).ConfigureAwait(false);
        }
        catch (RedisConnectionException)
        {
            // Redis is away, or went away as this was sent. The multiplexer keeps the subscription and sends it when
            // the connection is back; the restore after that loss catches up from history.
        }
    }

    public async Task UnsubscribeAsync(string channel, Action<byte[]> handler)
    {
        var connection = await GetConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        if (_redisHandlers.TryRemove(handler, out var redisHandler))
        {
            try
            {
                await connection.GetSubscriber().UnsubscribeAsync(Literal(channel), redisHandler.Handler).ConfigureAwait(false);
            }
            catch (RedisConnectionException)
            {
                // The multiplexer forgot the subscription already; Redis drops it with the lost connection.
            }
        }
    }

    public async Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            var connection = await GetConnectionAsync(cancellationToken).WaitAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
            result = await connection.GetDatabase()
                .ScriptEvaluateAsync(RedisScripts.ReadHistory, [_keys.LastPosition, _keys.History(channel), _keys.FirstPosition], [after.ToString()])
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw Unreachable(exception, "nothing was read");
        }

        var parts = (RedisResult[])result!;
        var now = long.Parse((string)parts[0]!, CultureInfo.InvariantCulture);
        if (!EventPosition.TryParse((string)parts[1]!, out var last) || after > last)
        {
            return new HistoryRead([], HistoryGap.Unknown, last);
        }

        if (after == last)
        {
            // Nothing was published anywhere since.
            return new HistoryRead([], HistoryGap.None, last);
        }

        // Positions before the first one this Redis assigned are from history it lost, or from another Redis.
        var lost = EventPosition.TryParse((string)parts[2]!, out var first) && after < first;
        if ((long)parts[3] == 0)
        {
            // The stream expired a full HistoryMaxAge after its newest event: only a reader older than that can have missed any.
            var expired = after.Milliseconds < now - (long)_options.HistoryMaxAge.TotalMilliseconds;
            return new HistoryRead([], lost ? HistoryGap.Unknown : expired ? HistoryGap.Expired : HistoryGap.None, last);
        }

        var gap = lost
            ? HistoryGap.Unknown
            : EventPosition.TryParse((string)parts[4]!, out var maxDeleted) && maxDeleted > after ? HistoryGap.Expired : HistoryGap.None;
        var entries = new List<HistoryEntry>();
        foreach (var item in (RedisResult[])parts[5]!)
        {
            var entry = (RedisResult[])item!;
            if (EventPosition.TryParse((string)entry[0]!, out var position))
            {
                var fields = (RedisResult[])entry[1]!;
                entries.Add(new HistoryEntry(position, (byte[])fields[1]!));
            }
        }

        return new HistoryRead(entries, gap, last);
    }

    public async Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await GetConnectionAsync(cancellationToken).WaitAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
            var last = await connection.GetDatabase().StringGetAsync(_keys.LastPosition)
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
            return EventPosition.TryParse((string?)last, out var position) ? position : EventPosition.Zero;
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw Unreachable(exception, "nothing was read");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            var connection = await _connection.Value.ConfigureAwait(false);
            await connection.CloseAsync().ConfigureAwait(false);
            connection.Dispose();
        }
    }

    private static RedisChannel Literal(string channel) => new(channel, RedisChannel.PatternMode.Literal);

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>Errors that mean Redis cannot serve now, as opposed to a bug: the caller may try again later.</summary>
    private static bool IsUnavailable(Exception exception) => exception switch
    {
        TimeoutException or RedisConnectionException => true,

        // Loading its data after a restart, busy with a long script, a replica after a failover, or without its primary.
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)

            // A cluster whose slot has no primary for a moment (a failover under way), or migrating the slot.
            || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal),
        _ => false,
    };

    private SseBrokerUnavailableException Unreachable(Exception exception, string outcome) =>
        new($"Redis at {_endpoints} is unreachable ({exception.GetType().Name}); {outcome}. " +
            "Check that Redis is running and that SSE_REDIS_URL / REDIS_URL points at it.", exception);

    private async Task<ConnectionMultiplexer> GetConnectionAsync(CancellationToken cancellationToken) =>
        await _connection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        // AbortOnConnectFail is off: this returns even while Redis is down, and the multiplexer keeps reconnecting.
        var connection = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
        if (!connection.IsConnected)
        {
            LogRedisUnreachableAtStart(_endpoints);
        }

        return connection;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        Interlocked.Increment(ref _subscriptionLosses);
        LogSubscriptionLost(_endpoints, e.FailureType.ToString());
        SubscriptionsLost?.Invoke();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        _metrics.RedisReconnects.Add(1);
        LogSubscriptionRestored(_endpoints);
        var losses = Volatile.Read(ref _subscriptionLosses);
        _ = Task.Run(() => AwaitResubscriptionThenNotifyAsync(losses));
    }

    /// <summary>Tells the hub once every channel is live again, so that history read from then on fills the whole gap.</summary>
    private async Task AwaitResubscriptionThenNotifyAsync(int losses)
    {
        try
        {
            var subscriber = (await _connection.Value.ConfigureAwait(false)).GetSubscriber();
            var started = Stopwatch.GetTimestamp();
            while (!await AreSubscriptionsLiveAsync(subscriber).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _subscriptionLosses) != losses)
                {
                    // Lost again: the next restore waits again.
                    return;
                }

                if (Stopwatch.GetElapsedTime(started) > ResubscribeTimeout)
                {
                    LogResubscribeTimedOut(_endpoints, ResubscribeTimeout.TotalSeconds);
                    break;
                }

                await Task.Delay(ResubscribePollInterval).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is RedisConnectionException or TimeoutException or ObjectDisposedException)
        {
            // Lost again (or shutting down): the next restore waits again.
            return;
        }

        SubscriptionsRestored?.Invoke();
    }

    /// <summary>
    /// The multiplexer sends every channel's subscription again after a reconnect, at once or from a reconfiguration a
    /// moment later, and only then gives the channel an endpoint. Once every channel has one, a new subscription that
    /// is itself sent is answered after all of them, in order on the same socket: then every channel is live.
    /// </summary>
    private async Task<bool> AreSubscriptionsLiveAsync(ISubscriber subscriber)
    {
        foreach (var (channel, _) in _redisHandlers.Values)
        {
            if (subscriber.SubscribedEndpoint(Literal(channel)) is null)
            {
                return false;
            }
        }

        var barrier = Literal(_options.KeyPrefix + "barrier:" + Guid.NewGuid().ToString("N"));
        await subscriber.SubscribeAsync(barrier, static (_, _) => { }).ConfigureAwait(false);
        var sent = subscriber.SubscribedEndpoint(barrier) is not null;
        await subscriber.UnsubscribeAsync(barrier).ConfigureAwait(false);
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is not reachable yet; SseFunctions keeps trying to connect.")]
    private partial void LogRedisUnreachableAtStart(string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Redis subscription connection to {Endpoints} ({FailureType}); streams stay open and catch up from history when it is back.")]
    private partial void LogSubscriptionLost(string endpoints, string failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Redis subscription connection to {Endpoints} is back.")]
    private partial void LogSubscriptionRestored(string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis subscription connection to {Endpoints} is back, but not every channel was subscribed again within {Seconds} s; catching up from history anyway.")]
    private partial void LogResubscribeTimedOut(string endpoints, double seconds);
}
