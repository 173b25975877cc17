using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// The broker over Redis: one multiplexer for the whole process (<see cref="RedisConnection"/>), literal channels
/// only, history in a Redis Stream per channel. Every Redis failure becomes an <see cref="SseBrokerUnavailableException"/>
/// here, saying whether the operation may have happened.
/// </summary>
/// <remarks>
/// Order is the hub's: StackExchange.Redis 2.x and 3.x run handlers concurrently, so each channel's messages are kept
/// in its <see cref="ChannelMessageQueue"/> (<see cref="RedisChannelInbox"/>) and the handler only rings. Under RESP3
/// pub/sub shares the interactive connection, so losses are counted over both kinds of connection
/// (<see cref="ConnectionGeneration"/>), from the client's own socket counters, which change before a message of the
/// new connection is read.
/// </remarks>
internal sealed partial class RedisSseBroker : ISseBroker
{
    private static readonly TimeSpan ResubscribePollInterval = TimeSpan.FromMilliseconds(10);

    private readonly RedisConnection _connection;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILogger<RedisSseBroker> _logger;
    private readonly RedisKeyLayout _keys;
    private readonly ConcurrentDictionary<RedisChannelInbox, byte> _inboxes = new();

    // The multiplexer whose events are hooked, and its socket count when it was first connected (the generation's zero).
    private IConnectionMultiplexer? _hooked;

    // Null until the connected servers were checked; empty when history can be served (or is off).
    private string? _historyProblem;
    private long _socketsAtStart = -1;

    public RedisSseBroker(RedisConnection connection, SseOptions options, SseMetrics metrics, ILogger<RedisSseBroker> logger)
    {
        _connection = connection;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _keys = new RedisKeyLayout(options.KeyPrefix);
        if (connection.Current is { } shared)
        {
            Hook(shared);
        }
    }

    public event Action? ConnectionChanged;

    public long ConnectionGeneration
    {
        get
        {
            if (Volatile.Read(ref _hooked) is not { } connection)
            {
                return 0;
            }

            var sockets = CountSockets(connection);
            if (Volatile.Read(ref _socketsAtStart) < 0 && connection.IsConnected)
            {
                Interlocked.CompareExchange(ref _socketsAtStart, sockets, -1);
            }

            var atStart = Volatile.Read(ref _socketsAtStart);
            return atStart < 0 ? 0 : sockets - atStart;
        }
    }

    /// <summary>Starts connecting, so that the first stream or publish does not wait for it.</summary>
    public Task WarmUpAsync() => GetConnectionAsync(ConnectionWait, CancellationToken.None);

    public async Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken)
    {
        // One deadline for the whole publish, the wait for a first connection and the replica's confirmation included:
        // a publish never takes longer than Sse:PublishTimeout, whatever the client does while it connects.
        var started = Stopwatch.GetTimestamp();
        try
        {
            IConnectionMultiplexer connection;
            try
            {
                connection = await GetConnectionAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException exception)
            {
                // Still connecting: nothing was sent, so this is "not published", not "may have been".
                throw Unreachable(exception, RedisOperation.Publish);
            }

            if (appendToHistory)
            {
                ThrowIfHistoryUnsupported();
            }

            if (!appendToHistory)
            {
                var receivers = await connection.GetSubscriber()
                    .PublishAsync(RedisChannel.Literal(channel), envelope)
                    .WaitAsync(PublishTimeLeft(started), cancellationToken)
                    .ConfigureAwait(false);
                return new PublishReceipt(receivers, null);
            }

            var result = await connection.GetDatabase()
                .ScriptEvaluateAsync(
                    RedisScripts.PublishWithHistory,
                    [_keys.LastPosition, _keys.History(channel), _keys.FirstPosition],
                    [channel, envelope, _options.HistoryMaxLength, (long)_options.HistoryMaxAge.TotalMilliseconds])
                .WaitAsync(PublishTimeLeft(started), cancellationToken)
                .ConfigureAwait(false);
            var parts = (RedisResult[])result!;
            var unconfirmed = await ReplicaConfirmation.WaitAsync(connection, _keys.LastPosition, PublishTimeLeft(started), _options.PublishTimeout).ConfigureAwait(false);
            if (unconfirmed is not null)
            {
                throw new SseBrokerUnavailableException(
                    $"The event was published, but {unconfirmed}; a failover now could lose it from history. Publishing it again may deliver it twice.");
            }

            return new PublishReceipt((long)parts[1], (string)parts[0]!);
        }
        catch (Exception exception) when (Translate(exception, RedisOperation.Publish) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<IChannelInbox> SubscribeAsync(string channel, Action arrived)
    {
        var redisChannel = RedisChannel.Literal(channel);
        ISubscriber? subscriber = null;
        Action<RedisChannel, RedisValue> ring = (_, _) => arrived();
        ChannelMessageQueue? queue = null;
        try
        {
            subscriber = (await GetConnectionAsync(ConnectionWait, CancellationToken.None).ConfigureAwait(false)).GetSubscriber();

            // The ringing handler first: once it is subscribed the queue joins a live subscription and sends nothing.
            await subscriber.SubscribeAsync(redisChannel, ring).ConfigureAwait(false);
            queue = await subscriber.SubscribeAsync(redisChannel).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, RedisOperation.Subscribe) is { } translated)
        {
            // The client keeps, and would subscribe again after every reconnect, what failed half-way: take it back.
            if (subscriber is not null)
            {
                await ForgetAsync(subscriber, redisChannel, ring, queue).ConfigureAwait(false);
            }

            throw translated;
        }

        var inbox = new RedisChannelInbox(channel, queue, ring);
        _inboxes[inbox] = 0;
        return inbox;
    }

    public async Task UnsubscribeAsync(IChannelInbox inbox)
    {
        var redisInbox = (RedisChannelInbox)inbox;
        _inboxes.TryRemove(redisInbox, out _);
        try
        {
            var subscriber = (await GetConnectionAsync(ConnectionWait, CancellationToken.None).ConfigureAwait(false)).GetSubscriber();
            await redisInbox.Queue.UnsubscribeAsync().ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(RedisChannel.Literal(inbox.Channel), redisInbox.Ring).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisConnectionException or TimeoutException)
        {
            // The client forgot the subscription already; Redis drops it with the lost connection.
        }
    }

    public async Task<bool> WaitUntilSubscriptionsLiveAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            try
            {
                var connection = await GetConnectionAsync(ConnectionWait, CancellationToken.None).ConfigureAwait(false);
                if (await AreSubscriptionsLiveAsync(connection.GetSubscriber()).ConfigureAwait(false))
                {
                    LogSubscriptionsLive(_connection.Endpoints);
                    return true;
                }
            }
            catch (Exception exception) when (exception is RedisConnectionException or TimeoutException or SseBrokerUnavailableException)
            {
                // Still away: poll again.
            }

            await Task.Delay(ResubscribePollInterval).ConfigureAwait(false);
        }

        return false;
    }

    public async Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, HistoryLimit limit, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            var connection = await GetConnectionAsync(ConnectionWait, cancellationToken).ConfigureAwait(false);
            ThrowIfHistoryUnsupported();
            result = await connection.GetDatabase()
                .ScriptEvaluateAsync(
                    RedisScripts.ReadHistory,
                    [_keys.LastPosition, _keys.History(channel), _keys.FirstPosition],
                    [after.ToString(), limit.Events, limit.Bytes])
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, RedisOperation.Read) is { } translated)
        {
            throw translated;
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

        return new HistoryRead(entries, gap, last, More: (long)parts[6] == 1);
    }

    public async Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await GetConnectionAsync(ConnectionWait, cancellationToken).ConfigureAwait(false);
            var last = await connection.GetDatabase().StringGetAsync(_keys.LastPosition)
                .WaitAsync(_options.PublishTimeout, cancellationToken)
                .ConfigureAwait(false);
            return EventPosition.TryParse((string?)last, out var position) ? position : EventPosition.Zero;
        }
        catch (Exception exception) when (Translate(exception, RedisOperation.Read) is { } translated)
        {
            throw translated;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _hooked) is { } connection)
        {
            connection.ConnectionFailed -= OnConnectionFailed;
            connection.ConnectionRestored -= OnConnectionRestored;
        }

        // A shared multiplexer keeps the package's subscriptions otherwise, and rings a hub that is gone.
        foreach (var inbox in _inboxes.Keys)
        {
            await UnsubscribeAsync(inbox).ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private static string Describe(ConnectionType type) => type == ConnectionType.Subscription ? "subscription" : "interactive";

    private static long CountSockets(IConnectionMultiplexer connection)
    {
        var counters = connection.GetCounters();
        return counters.Interactive.SocketCount + counters.Subscription.SocketCount;
    }

    private static async Task ForgetAsync(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> ring, ChannelMessageQueue? queue)
    {
        try
        {
            if (queue is not null)
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }

            await subscriber.UnsubscribeAsync(channel, ring).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisConnectionException or TimeoutException)
        {
            // Forgotten by the client all the same; Redis had not subscribed it, or drops it with the connection.
        }
    }

    /// <summary>
    /// The one place Redis's failures become the package's: null for what is no Redis failure (a bug, a cancellation),
    /// which then propagates as it is.
    /// </summary>
    private static string NotDone(RedisOperation operation) => operation switch
    {
        RedisOperation.Publish => "the event was not published",
        RedisOperation.Subscribe => "the channel was not subscribed",
        _ => "nothing was read",
    };

    private string UnreachableMessage(Exception exception, string notDone) =>
        $"Redis at {_connection.Endpoints} is unreachable ({exception.GetType().Name}); {notDone}. " +
        "Check that Redis is running and that SSE_REDIS_URL / REDIS_URL points at it.";

    private SseBrokerUnavailableException Unreachable(Exception exception, RedisOperation operation) =>
        new(UnreachableMessage(exception, NotDone(operation)), exception);

    private SseBrokerUnavailableException? Translate(Exception exception, RedisOperation operation)
    {
        var endpoints = _connection.Endpoints;
        var notDone = NotDone(operation);
        var unreachable = UnreachableMessage(exception, notDone);
        var mayHaveHappened = operation == RedisOperation.Publish
            ? "The event may still be published once Redis gets to it, or may have been; publishing it again may deliver it twice."
            : $"{char.ToUpperInvariant(notDone[0])}{notDone[1..]}.";
        return exception switch
        {
            // Never sent: no connection to send it on (BacklogPolicy.FailFast), or still waiting to be written.
            RedisConnectionException connection when connection.FailureType is ConnectionFailureType.UnableToResolvePhysicalConnection
                    or ConnectionFailureType.UnableToConnect
                || connection.CommandStatus == CommandStatus.WaitingToBeSent
                => new SseBrokerUnavailableException(unreachable, exception),
            RedisTimeoutException timeout when timeout.Commandstatus == CommandStatus.WaitingToBeSent
                => new SseBrokerUnavailableException(unreachable, exception),
            RedisConnectionException connection => new SseBrokerUnavailableException(
                $"The connection to Redis at {endpoints} was lost during the call ({connection.FailureType}). {mayHaveHappened}",
                exception),

            // The command may sit in a socket or in a busy Redis and still run: nobody can take it back.
            TimeoutException => new SseBrokerUnavailableException(
                $"Redis at {endpoints} did not answer within {_options.PublishTimeout.TotalSeconds:0.###} s (Sse:PublishTimeout). {mayHaveHappened}",
                exception),

            // Loading its data after a restart, busy with a long script, a replica after a failover, or without its primary.
            RedisServerException server when server.Message.StartsWith("LOADING", StringComparison.Ordinal)
                    || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
                    || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
                    || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)

                    // A cluster whose slot has no primary for a moment (a failover under way), or migrating the slot.
                    || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
                    || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
                => new SseBrokerUnavailableException(unreachable, exception),
            _ => null,
        };
    }

    /// <summary>How long calls other than a publish wait for a first connection: one connect attempt, then their own timeout.</summary>
    private TimeSpan ConnectionWait => _options.ConnectTimeout + _options.PublishTimeout;

    private TimeSpan PublishTimeLeft(long started)
    {
        var left = _options.PublishTimeout - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task<IConnectionMultiplexer> GetConnectionAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var connection = await _connection.GetAsync().WaitAsync(wait, cancellationToken).ConfigureAwait(false);

        if (Volatile.Read(ref _hooked) is null)
        {
            Hook(connection);
        }

        if (Volatile.Read(ref _historyProblem) is null && connection.IsConnected)
        {
            CheckServerVersions(connection);
        }

        return connection;
    }

    private void ThrowIfHistoryUnsupported()
    {
        if (Volatile.Read(ref _historyProblem) is { Length: > 0 } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>
    /// Once connected: a Redis too old for history is a configuration error, said once here, not on every call.
    /// </summary>
    private void CheckServerVersions(IConnectionMultiplexer connection)
    {
        if (RedisServerFacts.Read(connection) is not { } facts)
        {
            return;
        }

        var problem = facts.HistoryProblem(_options.HistoryEnabled, _connection.Endpoints);
        if (Interlocked.CompareExchange(ref _historyProblem, problem ?? string.Empty, null) is null)
        {
            LogConnectedTo(_connection.Endpoints, facts.ToString());
            if (problem is not null)
            {
                LogServerUnfit(problem);
            }
        }
    }

    private void Hook(IConnectionMultiplexer connection)
    {
        if (Interlocked.CompareExchange(ref _hooked, connection, null) is null)
        {
            connection.ConnectionFailed += OnConnectionFailed;
            connection.ConnectionRestored += OnConnectionRestored;
            if (connection.IsConnected)
            {
                Interlocked.CompareExchange(ref _socketsAtStart, CountSockets(connection), -1);
            }
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType is not (ConnectionType.Subscription or ConnectionType.Interactive))
        {
            return;
        }

        LogConnectionLost(Describe(e.ConnectionType), _connection.Endpoints, e.FailureType.ToString());
        ConnectionChanged?.Invoke();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType is not (ConnectionType.Subscription or ConnectionType.Interactive))
        {
            return;
        }

        _metrics.RedisReconnects.Add(1);
        LogConnectionRestored(Describe(e.ConnectionType), _connection.Endpoints);
        ConnectionChanged?.Invoke();
    }

    /// <summary>
    /// The multiplexer sends every channel's subscription again after a reconnect, at once or from a reconfiguration a
    /// moment later, and only then gives the channel an endpoint. Once every channel has one, a new subscription that
    /// is itself sent is answered after all of them, in order on the same socket: then every channel is live.
    /// </summary>
    private async Task<bool> AreSubscriptionsLiveAsync(ISubscriber subscriber)
    {
        foreach (var inbox in _inboxes.Keys)
        {
            if (subscriber.SubscribedEndpoint(RedisChannel.Literal(inbox.Channel)) is null)
            {
                return false;
            }
        }

        var barrier = RedisChannel.Literal(_options.KeyPrefix + "barrier:" + Guid.NewGuid().ToString("N"));
        Action<RedisChannel, RedisValue> none = static (_, _) => { };
        try
        {
            await subscriber.SubscribeAsync(barrier, none).ConfigureAwait(false);
            return subscriber.SubscribedEndpoint(barrier) is not null;
        }
        finally
        {
            await ForgetAsync(subscriber, barrier, none, queue: null).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Redis {ConnectionType} connection to {Endpoints} ({FailureType}); streams stay open and catch up from history when it is back.")]
    private partial void LogConnectionLost(string connectionType, string endpoints, string failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Redis {ConnectionType} connection to {Endpoints} is back.")]
    private partial void LogConnectionRestored(string connectionType, string endpoints);

    [LoggerMessage(Level = LogLevel.Information, Message = "SseFunctions is connected to {Endpoints}: {Server}.")]
    private partial void LogConnectedTo(string endpoints, string server);

    /// <summary>What this Redis cannot do that the options ask for, found at connect; the text says how to fix it.</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private partial void LogServerUnfit(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every channel is subscribed again on Redis at {Endpoints}.")]
    private partial void LogSubscriptionsLive(string endpoints);
}
