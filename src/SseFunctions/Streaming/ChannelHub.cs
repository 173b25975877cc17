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
    // While the subscription is back but history cannot be read, live events wait; this bounds how long.
    private const int RecoveryAttempts = 10;
    private static readonly TimeSpan RecoveryRetryDelay = TimeSpan.FromMilliseconds(500);

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
    private int _losses;
    private EventPosition _lastDispatched = EventPosition.Zero;

    // One recovery at a time: a second restore's recovery reads after what the first one dispatched. Never disposed:
    // a recovery may still release it while the host shuts down, and it holds no wait handle.
    private readonly SemaphoreSlim _recoveryGate = new(1, 1);

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
    public async Task<ChannelSubscription> JoinAsync(string channel, StreamQueue connection)
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
    public void Leave(ChannelSubscription subscription, StreamQueue connection)
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

    private async Task<EventPosition?> TryGetLastPositionAsync()
    {
        try
        {
            return await _broker.GetLastPositionAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SseBrokerUnavailableException)
        {
            // Redis is away: a recovery reads this channel after what was dispatched last, if anything was.
            return null;
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
        if (!_options.HistoryEnabled && frame.Position is not null)
        {
            // Without history, ids are whatever publishers chose: "5-1" is no position, and no reason to skip "3-1" after it.
            frame = new SseFrame(frame.Bytes, position: null);
        }

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

        // A full queue ends that stream; the stream itself reports it, whoever found the queue full.
        foreach (var listener in subscription.Listeners)
        {
            listener.TryEnqueue(frame);
        }
    }

    private void OnSubscriptionsLost()
    {
        lock (_dispatchGate)
        {
            _recovering = true;
            _losses++;
        }
    }

    private void OnSubscriptionsRestored() => _ = RecoverAsync();

    /// <summary>
    /// Reads what was published while the subscription was down and dispatches it, then what arrived live meanwhile,
    /// in position order and each once. The broker raises the restore only once every channel is live again, so
    /// history read from then on holds every event that did not arrive live.
    /// </summary>
    private async Task RecoverAsync()
    {
        await _recoveryGate.WaitAsync().ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                int losses;
                EventPosition lastDispatched;
                lock (_dispatchGate)
                {
                    if (!_recovering)
                    {
                        // A restore with no loss before it (the first connection), or an earlier recovery covered it.
                        return;
                    }

                    losses = _losses;
                    lastDispatched = _lastDispatched;
                }

                List<(ChannelSubscription Subscription, SseFrame Frame)> missed;
                try
                {
                    missed = _options.HistoryEnabled ? await ReadMissedAsync(lastDispatched).ConfigureAwait(false) : [];
                }
                catch (SseBrokerUnavailableException exception) when (attempt < RecoveryAttempts)
                {
                    lock (_dispatchGate)
                    {
                        if (_losses != losses)
                        {
                            // Lost again: the next restore recovers.
                            return;
                        }
                    }

                    LogRecoveryRetry(exception, attempt);
                    await Task.Delay(RecoveryRetryDelay).ConfigureAwait(false);
                    continue;
                }
                catch (Exception exception)
                {
                    // Holding live events any longer would freeze every stream: give up on the gap, loudly.
                    LogRecoveryFailed(exception);
                    missed = [];
                }

                var recovered = 0;
                lock (_dispatchGate)
                {
                    foreach (var (subscription, frame) in missed)
                    {
                        if (frame.Position > _lastDispatched)
                        {
                            FanOut(subscription, frame);
                            recovered++;
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

                    // Lost again while reading: what was read is still right, but the next gap is the next restore's.
                    _recovering = _losses != losses;
                }

                LogRecovered(recovered);
                return;
            }
        }
        finally
        {
            _recoveryGate.Release();
        }
    }

    /// <summary>
    /// Every subscribed channel's events after <paramref name="lastDispatched"/> (or after the channel's baseline, if it
    /// was subscribed later), in position order, up to the last position assigned when the first channel was read:
    /// anything later was published after the subscriptions were live, so it arrived live and is held. The channels
    /// are read at once, in one round trip's time however many there are.
    /// </summary>
    private async Task<List<(ChannelSubscription Subscription, SseFrame Frame)>> ReadMissedAsync(EventPosition lastDispatched)
    {
        ChannelSubscription[] subscriptions;
        lock (_subscriptionsGate)
        {
            subscriptions = [.. _subscriptions.Values];
        }

        // Subscribed while Redis was away, before this process ever received an event: nothing to anchor on, and
        // reading the whole history would hand a new stream events it never asked for.
        var (entries, _) = await MultiChannelHistory.ReadAsync(
            _broker,
            subscriptions
                .Where(subscription => subscription.Baseline is not null || lastDispatched != EventPosition.Zero)
                .Select(subscription => (
                    subscription,
                    subscription.Channel,
                    subscription.Baseline is { } baseline && baseline > lastDispatched ? baseline : lastDispatched)),
            CancellationToken.None).ConfigureAwait(false);

        var missed = new List<(ChannelSubscription Subscription, SseFrame Frame)>(entries.Count);
        foreach (var (subscription, entry) in entries)
        {
            if (EnvelopeDecoder.TryDecode(entry.Envelope, out var envelope, out _))
            {
                missed.Add((subscription, SseFrameEncoder.Encode(envelope)));
            }
        }

        return missed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on channel '{Channel}' that is not a Flask-SSE event: {Problem}.")]
    private partial void LogRejectedPayload(string channel, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unsubscribe from channel '{Channel}'.")]
    private partial void LogUnsubscribeFailed(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read what was published while the Redis subscription was down (attempt {Attempt}); trying again. Live events wait meanwhile.")]
    private partial void LogRecoveryRetry(Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read what was published while the Redis subscription was down; streams continue with live events, and the events published meanwhile are missing from them.")]
    private partial void LogRecoveryFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriptions are live again; {Count} events published meanwhile were delivered from history.")]
    private partial void LogRecovered(int count);
}
