using System.Collections.Concurrent;
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
/// Ordering: StackExchange.Redis 1.x calls subscription handlers one at a time in arrival order. Moving to 2.x means
/// subscribing through its ordered <c>ChannelMessageQueue</c> here, since 2.x's handler overload runs concurrently.
/// </remarks>
internal sealed partial class RedisSseBroker : ISseBroker
{
    private readonly ConfigurationOptions _configuration;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILogger<RedisSseBroker> _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly RedisKey _lastPositionKey;
    private readonly string _endpoints;

    // Unsubscribing removes exactly the handler that subscribed, so a stream re-subscribing a channel while the last
    // one's unsubscribe is on its way keeps its subscription.
    private readonly ConcurrentDictionary<Action<byte[]>, Action<RedisChannel, RedisValue>> _redisHandlers = new();

    public RedisSseBroker(ConfigurationOptions configuration, SseOptions options, SseMetrics metrics, ILogger<RedisSseBroker> logger)
    {
        _configuration = configuration;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _lastPositionKey = options.KeyPrefix + "last-id";
        _endpoints = string.Join(", ", configuration.EndPoints.Select(Describe));
        _connection = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
    }

    public event Action? SubscriptionsLost;

    public event Action? SubscriptionsRestored;

    /// <summary>Starts connecting, so that the first stream or publish does not wait for it.</summary>
    public Task WarmUpAsync() => _connection.Value;

    public async Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
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
                    [_lastPositionKey, HistoryKey(channel)],
                    [channel, envelope, _options.HistoryMaxLength, (long)_options.HistoryMaxAge.TotalMilliseconds])
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
            var parts = (RedisResult[])result!;
            return new PublishReceipt((long)parts[1], (string)parts[0]!);
        }
        catch (TimeoutException exception)
        {
            throw new SseBrokerUnavailableException(
                $"Redis at {_endpoints} did not answer within {_options.PublishTimeout.TotalSeconds:0.###} s (Sse:PublishTimeout); the event was not published.",
                exception);
        }
        catch (RedisConnectionException exception)
        {
            throw Unreachable(exception);
        }
    }

    public async Task SubscribeAsync(string channel, Action<byte[]> handler)
    {
        var connection = await GetConnectionAsync(CancellationToken.None).ConfigureAwait(false);

        // While Redis is away this completes at once; the multiplexer keeps the subscription and sends it on reconnect.
        var redisHandler = _redisHandlers.GetOrAdd(handler, static handler => (_, message) => handler(message!));
        await connection.GetSubscriber().SubscribeAsync(Literal(channel), redisHandler).ConfigureAwait(false);
    }

    public async Task UnsubscribeAsync(string channel, Action<byte[]> handler)
    {
        var connection = await GetConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        if (_redisHandlers.TryRemove(handler, out var redisHandler))
        {
            await connection.GetSubscriber().UnsubscribeAsync(Literal(channel), redisHandler).ConfigureAwait(false);
        }
    }

    public async Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        RedisResult result;
        try
        {
            result = await connection.GetDatabase()
                .ScriptEvaluateAsync(RedisScripts.ReadHistory, [_lastPositionKey, HistoryKey(channel)], [after.ToString()])
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or RedisConnectionException or RedisTimeoutException)
        {
            throw Unreachable(exception);
        }

        var parts = (RedisResult[])result!;
        var now = long.Parse((string)parts[0]!, System.Globalization.CultureInfo.InvariantCulture);
        var hasLast = EventPosition.TryParse((string)parts[1]!, out var last);
        if (!hasLast || after > last)
        {
            return new HistoryRead([], HistoryGap.Unknown);
        }

        if ((long)parts[2] == 0)
        {
            // The stream expired a full HistoryMaxAge after its newest event: only a reader older than that can have missed any.
            var expired = after.Milliseconds < now - (long)_options.HistoryMaxAge.TotalMilliseconds;
            return new HistoryRead([], expired ? HistoryGap.Expired : HistoryGap.None);
        }

        var gap = EventPosition.TryParse((string)parts[3]!, out var maxDeleted) && maxDeleted > after
            ? HistoryGap.Expired
            : HistoryGap.None;
        var entries = new List<HistoryEntry>();
        foreach (var item in (RedisResult[])parts[4]!)
        {
            var entry = (RedisResult[])item!;
            if (EventPosition.TryParse((string)entry[0]!, out var position))
            {
                var fields = (RedisResult[])entry[1]!;
                entries.Add(new HistoryEntry(position, (byte[])fields[1]!));
            }
        }

        return new HistoryRead(entries, gap);
    }

    public async Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var last = await connection.GetDatabase().StringGetAsync(_lastPositionKey)
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
            return EventPosition.TryParse((string?)last, out var position) ? position : EventPosition.Zero;
        }
        catch (Exception exception) when (exception is TimeoutException or RedisConnectionException or RedisTimeoutException)
        {
            throw Unreachable(exception);
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

    private RedisKey HistoryKey(string channel) => _options.KeyPrefix + "history:" + channel;

    private SseBrokerUnavailableException Unreachable(Exception exception) =>
        new($"Redis at {_endpoints} is unreachable ({exception.GetType().Name}); nothing was published or read. " +
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
        _ = Task.Run(AwaitResubscriptionThenNotifyAsync);
    }

    /// <summary>
    /// The multiplexer re-sends every subscription when the connection comes back; a subscription made after that is
    /// answered after them, so once it is confirmed every channel is live again and history can fill the gap.
    /// </summary>
    private async Task AwaitResubscriptionThenNotifyAsync()
    {
        try
        {
            var connection = await _connection.Value.ConfigureAwait(false);
            var subscriber = connection.GetSubscriber();
            var barrier = Literal(_options.KeyPrefix + "barrier:" + Guid.NewGuid().ToString("N"));
            await subscriber.SubscribeAsync(barrier, static (_, _) => { }).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(barrier).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
        {
            // Lost again already: the next restore runs this again.
            return;
        }

        SubscriptionsRestored?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is not reachable yet; SseFunctions keeps trying to connect.")]
    private partial void LogRedisUnreachableAtStart(string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Redis subscription connection to {Endpoints} ({FailureType}); streams stay open and catch up from history when it is back.")]
    private partial void LogSubscriptionLost(string endpoints, string failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Redis subscription connection to {Endpoints} is back.")]
    private partial void LogSubscriptionRestored(string endpoints);
}
