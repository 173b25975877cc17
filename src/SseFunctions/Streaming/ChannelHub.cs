using Microsoft.Extensions.Logging;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// The process's fan-out: subscribes each channel once while any stream listens to it, decodes and encodes each
/// message once, and hands the shared frame to every listening stream's queue. After the broker lost its subscription
/// connection, it fills the gap from history before live messages flow again, so streams see no gap and no reordering.
/// </summary>
internal sealed partial class ChannelHub : IDisposable
{
    private readonly ISseBroker _broker;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILogger<ChannelHub> _logger;
    private readonly Lock _subscriptionsGate = new();
    private readonly Dictionary<string, ChannelSubscription> _subscriptions = new(StringComparer.Ordinal);

    // Dispatch runs under this lock: uncontended in the steady state (the broker calls back one message at a time),
    // it orders live messages against a recovery's replay.
    private readonly Lock _dispatchGate = new();
    private readonly List<(ChannelSubscription Subscription, SseFrame Frame)> _heldWhileRecovering = [];
    private bool _recovering;
    private EventPosition _lastDispatched = EventPosition.Zero;

    public ChannelHub(ISseBroker broker, SseOptions options, SseMetrics metrics, ILogger<ChannelHub> logger)
    {
        _broker = broker;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _broker.SubscriptionsLost += OnSubscriptionsLost;
        _broker.SubscriptionsRestored += OnSubscriptionsRestored;
    }

    /// <summary>Adds a stream to a channel, subscribing it first when it is new; completes once the channel is live.</summary>
    public async Task<ChannelSubscription> JoinAsync(string channel, SseConnection connection)
    {
        ChannelSubscription subscription;
        lock (_subscriptionsGate)
        {
            if (!_subscriptions.TryGetValue(channel, out subscription!))
            {
                subscription = new ChannelSubscription(channel);
                var created = subscription;
                created.Handler = payload => Dispatch(created, payload);
                created.Ready = SubscribeAsync(created);
                _subscriptions[channel] = created;
            }

            subscription.Add(connection);
        }

        try
        {
            await subscription.Ready.ConfigureAwait(false);
        }
        catch
        {
            Leave(subscription, connection);
            throw;
        }

        return subscription;
    }

    /// <summary>Removes a stream; the last one to leave a channel unsubscribes it.</summary>
    public void Leave(ChannelSubscription subscription, SseConnection connection)
    {
        lock (_subscriptionsGate)
        {
            if (subscription.Remove(connection) > 0
                || !_subscriptions.TryGetValue(subscription.Channel, out var current)
                || !ReferenceEquals(current, subscription))
            {
                return;
            }

            _subscriptions.Remove(subscription.Channel);
        }

        _ = UnsubscribeAsync(subscription);
    }

    public void Dispose()
    {
        _broker.SubscriptionsLost -= OnSubscriptionsLost;
        _broker.SubscriptionsRestored -= OnSubscriptionsRestored;
    }

    private async Task SubscribeAsync(ChannelSubscription subscription)
    {
        await _broker.SubscribeAsync(subscription.Channel, subscription.Handler).ConfigureAwait(false);
        if (_options.HistoryEnabled)
        {
            subscription.Baseline = await TryGetLastPositionAsync().ConfigureAwait(false);
        }
    }

    private async Task<EventPosition> TryGetLastPositionAsync()
    {
        try
        {
            return await _broker.GetLastPositionAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SseBrokerUnavailableException)
        {
            // Redis is away: nothing can be published meanwhile, so everything dispatched from now on is newer anyway.
            return EventPosition.Zero;
        }
    }

    private async Task UnsubscribeAsync(ChannelSubscription subscription)
    {
        try
        {
            await subscription.Ready.ConfigureAwait(false);
            await _broker.UnsubscribeAsync(subscription.Channel, subscription.Handler).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnsubscribeFailed(exception, subscription.Channel);
        }
    }

    private void Dispatch(ChannelSubscription subscription, byte[] payload)
    {
        if (!EnvelopeDecoder.TryDecode(payload, out var envelope, out var problem))
        {
            _metrics.EnvelopesRejected.Add(1);
            LogRejectedPayload(subscription.Channel, problem);
            return;
        }

        var frame = SseFrameEncoder.Encode(envelope);
        lock (_dispatchGate)
        {
            if (_recovering)
            {
                _heldWhileRecovering.Add((subscription, frame));
                return;
            }

            FanOut(subscription, frame);
        }
    }

    /// <summary>Called under the dispatch lock.</summary>
    private void FanOut(ChannelSubscription subscription, SseFrame frame)
    {
        if (frame.Position is { } position && position > _lastDispatched)
        {
            _lastDispatched = position;
        }

        foreach (var listener in subscription.Listeners)
        {
            if (!listener.TryEnqueue(frame))
            {
                _metrics.StreamsEndedSlow.Add(1);
                LogSlowStream(subscription.Channel, _options.StreamQueueCapacity);
            }
        }
    }

    private void OnSubscriptionsLost()
    {
        lock (_dispatchGate)
        {
            _recovering = true;
        }
    }

    private void OnSubscriptionsRestored() => _ = RecoverAsync();

    private async Task RecoverAsync()
    {
        ChannelSubscription[] subscriptions;
        lock (_subscriptionsGate)
        {
            subscriptions = [.. _subscriptions.Values];
        }

        EventPosition lastDispatched;
        lock (_dispatchGate)
        {
            lastDispatched = _lastDispatched;
        }

        var missed = new List<(ChannelSubscription Subscription, SseFrame Frame)>();
        if (_options.HistoryEnabled)
        {
            try
            {
                foreach (var subscription in subscriptions)
                {
                    var after = subscription.Baseline > lastDispatched ? subscription.Baseline : lastDispatched;
                    var read = await _broker.ReadHistoryAsync(subscription.Channel, after, CancellationToken.None).ConfigureAwait(false);
                    foreach (var entry in read.Entries)
                    {
                        if (EnvelopeDecoder.TryDecode(entry.Envelope, out var envelope, out _))
                        {
                            missed.Add((subscription, SseFrameEncoder.Encode(envelope)));
                        }
                    }
                }
            }
            catch (SseBrokerUnavailableException exception)
            {
                // Lost again before the gap could be read: stay in recovery; the next restore reads it.
                LogRecoveryFailed(exception);
                return;
            }
        }

        missed.Sort(static (left, right) => left.Frame.Position!.Value.CompareTo(right.Frame.Position!.Value));
        lock (_dispatchGate)
        {
            foreach (var (subscription, frame) in missed)
            {
                if (frame.Position > _lastDispatched)
                {
                    FanOut(subscription, frame);
                }
            }

            foreach (var (subscription, frame) in _heldWhileRecovering)
            {
                if (frame.Position is null || frame.Position > _lastDispatched)
                {
                    FanOut(subscription, frame);
                }
            }

            _heldWhileRecovering.Clear();
            _recovering = false;
        }

        LogRecovered(missed.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on channel '{Channel}' that is not a Flask-SSE event: {Problem}.")]
    private partial void LogRejectedPayload(string channel, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended a stream on channel '{Channel}': its client read too slowly and {Capacity} events were waiting (Sse:StreamQueueCapacity). It reconnects and catches up from history.")]
    private partial void LogSlowStream(string channel, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unsubscribe from channel '{Channel}'.")]
    private partial void LogUnsubscribeFailed(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read what was published while the Redis subscription was down; trying again when it is back.")]
    private partial void LogRecoveryFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriptions are live again; {Count} events published meanwhile were delivered from history.")]
    private partial void LogRecovered(int count);
}
