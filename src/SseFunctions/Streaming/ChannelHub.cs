using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// The process's fan-out: subscribes each channel once while any stream listens to it, decodes and encodes each
/// message once, and hands the shared frame to every listening stream's queue, each event once and in position order
/// within its channel (across channels too, on one Redis connection), whatever order or thread the broker calls back on.
/// After a connection was replaced, it fills the gap from history before live messages flow again, so streams see no
/// gap and no reordering, or are told what they missed.
/// </summary>
/// <remarks>
/// <para>
/// One ordered path: the broker only rings; the hub then takes every channel's inbox in one pass, under one lock. A
/// pass that took a message finds in the other inboxes every message that arrived before it (the broker's promise,
/// <see cref="IChannelInbox"/>), and the package's positions grow in arrival order (Redis publishes them from one
/// script, one at a time). So once a pass is over, every position up to the highest one taken by an earlier pass is
/// in hand, and those go out in position order; later ones wait for the next pass, which follows at once. A message
/// without a position (a foreign id, or none) keeps its place within its channel and orders nothing.
/// </para>
/// <para>
/// A pass reads the broker's connection generation after taking: when it changed, what was taken may lie on either
/// side of a gap, so it is held, with everything after it, until history filled the gap.
/// </para>
/// <para>
/// On a Redis Cluster the client subscribes each channel on the node that owns the channel's slot, so channels of
/// different nodes arrive on different connections, in no relative order: an earlier position of one node's channel
/// may arrive after a later one of another's. Each channel still arrives in position order on its own connection, so
/// the hub drops a frame as already handed on only when it is not after its own channel's last
/// (<see cref="ChannelSubscription.LastDispatched"/>), and a recovery reads each channel after that channel's last:
/// every event reaches its streams once and in order within its channel, while channels of different nodes may
/// interleave out of position order.
/// </para>
/// </remarks>
internal sealed partial class ChannelHub : IDisposable
{
    /// <summary>
    /// Live events held while a gap is filled, at most: the frames are shared with no stream yet, about 0.1–1 KB each,
    /// so this bounds the hold to tens of megabytes however fast events come; past it the hub stops waiting.
    /// </summary>
    internal const int MaxHeldWhileRecovering = 50_000;

    /// <summary>History read per channel and round trip while recovering, so that one read never grows with the gap.</summary>
    internal const int RecoveryPageSize = 500;

    // Events per channel and page, and at most 1 MiB of them, so that a page of large events stays small too.
    private static readonly HistoryLimit RecoveryPage = new(RecoveryPageSize, 1024 * 1024);

    /// <summary>
    /// How long a recovery may wait for Redis to come back and answer, before the hub gives up on the gap, tells the
    /// streams (<c>sse-missed</c>) and goes on live: StackExchange.Redis reconnects within a second or two of a
    /// restart, and a stream held longer than this would look dead to its reader.
    /// </summary>
    internal static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RecoveryRetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly ISseBroker _broker;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILogger<ChannelHub> _logger;
    private readonly Action _ring;
    private readonly Action _ringForConnection;
    private readonly Lock _subscriptionsGate = new();
    private readonly Dictionary<string, ChannelSubscription> _subscriptions = new(StringComparer.Ordinal);

    // The subscriptions with an inbox; replaced, never changed, so a pass reads it without the subscriptions' lock.
    private ChannelSubscription[] _inboxed = [];

    // Rings not yet served; whoever raises it from 0 drains until it is back at 0.
    private int _drainRequests;

    // 1 once the broker said a connection changed: the next pass reads the broker's generation even if it took nothing.
    private int _connectionChanged;

    // Everything below is dispatch state, changed only under this lock.
    private readonly Lock _dispatchGate = new();
    private readonly List<ChannelSubscription> _withPending = [];
    private readonly List<(ChannelSubscription Subscription, SseFrame Frame)> _held = [];
    private EventPosition _highestTaken = EventPosition.Zero;

    // The highest position handed on, on any channel: what the sse-missed signal names, and where a recovery starts a
    // channel that has neither a baseline nor a last of its own.
    private EventPosition _highestDispatched = EventPosition.Zero;
    private long _generation;
    private bool _recovering;
    private int _recoveryRun;

    public ChannelHub(ISseBroker broker, SseOptions options, SseMetrics metrics, ILogger<ChannelHub> logger)
    {
        _broker = broker;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _ring = Ring;
        _ringForConnection = RingForConnection;
        _generation = broker.ConnectionGeneration;
        _broker.ConnectionChanged += _ringForConnection;
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
                _subscriptions[channel] = subscription;
                subscription.Ready = SubscribeAsync(subscription);
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
            Volatile.Write(ref _inboxed, Array.FindAll(_inboxed, item => !ReferenceEquals(item, subscription)));
        }

        _ = UnsubscribeAsync(subscription);
    }

    public void Dispose() => _broker.ConnectionChanged -= _ringForConnection;

    private async Task SubscribeAsync(ChannelSubscription subscription)
    {
        // Not on the caller's lock: a broker that subscribes at once must not run the rest of this under it.
        await Task.Yield();
        try
        {
            Attach(subscription, await _broker.SubscribeAsync(subscription.Channel, _ring).ConfigureAwait(false));
        }
        catch (SseBrokerUnavailableException exception)
        {
            // Redis is away: the stream stays open, and the recovery that follows subscribes it once Redis is back.
            LogSubscribeDeferred(exception, LogText.Escape(subscription.Channel));
            lock (_dispatchGate)
            {
                subscription.SubscribeDeferred = true;
                StartRecoveryLocked();
            }

            return;
        }

        if (_options.HistoryEnabled)
        {
            subscription.Baseline = await TryGetLastPositionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts taking from a new inbox, unless every stream left the channel meanwhile.</summary>
    private void Attach(ChannelSubscription subscription, IChannelInbox inbox)
    {
        bool current;
        lock (_subscriptionsGate)
        {
            current = _subscriptions.TryGetValue(subscription.Channel, out var found) && ReferenceEquals(found, subscription);
            if (current)
            {
                subscription.Inbox = inbox;
                Volatile.Write(ref _inboxed, [.. _inboxed, subscription]);
            }
        }

        if (!current)
        {
            _ = UnsubscribeInboxAsync(inbox);
            return;
        }

        // What arrived between the broker's subscribe and now rang while nobody took from this inbox.
        Ring();
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
        await subscription.Ready.ConfigureAwait(false);
        if (subscription.Inbox is { } inbox)
        {
            await UnsubscribeInboxAsync(inbox).ConfigureAwait(false);
        }
    }

    private async Task UnsubscribeInboxAsync(IChannelInbox inbox)
    {
        try
        {
            await _broker.UnsubscribeAsync(inbox).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnsubscribeFailed(exception, LogText.Escape(inbox.Channel));
        }
    }

    private void RingForConnection()
    {
        Volatile.Write(ref _connectionChanged, 1);
        Ring();
    }

    /// <summary>The broker's call: something arrived or a connection changed. Never blocks on a client.</summary>
    private void Ring()
    {
        if (Interlocked.Increment(ref _drainRequests) != 1)
        {
            // The thread draining now goes round once more for this.
            return;
        }

        var served = 1;
        while (true)
        {
            bool waiting;
            lock (_dispatchGate)
            {
                waiting = DrainPass();
            }

            if (waiting)
            {
                continue;
            }

            var left = Interlocked.Add(ref _drainRequests, -served);
            if (left == 0)
            {
                return;
            }

            served = left;
        }
    }

    /// <summary>Takes every inbox once and hands on what is in order; true when frames wait for the next pass.</summary>
    private bool DrainPass()
    {
        var bound = _highestTaken;
        var took = false;
        foreach (var subscription in Volatile.Read(ref _inboxed))
        {
            var inbox = subscription.Inbox!;
            while (inbox.TryRead(out var payload))
            {
                took = true;
                if (!SseFrameEncoder.TryDecode(payload, _options.MaxEventSize, out var frame, out var problem))
                {
                    _metrics.EnvelopesRejected.Add(1);
                    // The problem may quote the payload (a JSON parser's message does), which whoever can publish on Redis chose.
                    LogRejectedPayload(LogText.Escape(subscription.Channel), LogText.Escape(problem));
                    continue;
                }

                if (subscription.Pending.Count == 0)
                {
                    _withPending.Add(subscription);
                }

                subscription.Pending.Enqueue(frame);
                if (frame.Position is { } position && position > _highestTaken)
                {
                    _highestTaken = position;
                }
            }
        }

        // Read only when it can matter, since reading it allocates (the client's counters): a message taken now may have
        // come on a new connection, whose socket count changed before it was read; or the broker said a connection
        // changed, and a gap may need filling with nothing new arriving.
        var connectionChanged = Interlocked.Exchange(ref _connectionChanged, 0) == 1;
        if ((took || connectionChanged) && _broker.ConnectionGeneration is var generation && generation != _generation)
        {
            // What was just taken may have come on the new connection, after a gap: hold it with what follows.
            _generation = generation;
            LogConnectionReplaced();
            StartRecoveryLocked();
        }

        HandOnUpTo(bound);
        return _withPending.Count > 0;
    }

    /// <summary>Hands on pending frames in position order, up to <paramref name="bound"/>; a frame without one goes when its channel gets to it.</summary>
    private void HandOnUpTo(EventPosition bound)
    {
        while (_withPending.Count > 0)
        {
            var next = -1;
            for (var i = 0; i < _withPending.Count; i++)
            {
                var head = _withPending[i].Pending.Peek();
                if (head.Position is not { } position)
                {
                    next = i;
                    break;
                }

                if (position <= bound && (next < 0 || position < _withPending[next].Pending.Peek().Position))
                {
                    next = i;
                }
            }

            if (next < 0)
            {
                return;
            }

            var subscription = _withPending[next];
            var frame = subscription.Pending.Dequeue();
            if (subscription.Pending.Count == 0)
            {
                _withPending.RemoveAt(next);
            }

            HandOn(subscription, frame);
        }
    }

    /// <summary>Called under the dispatch lock.</summary>
    private void HandOn(ChannelSubscription subscription, SseFrame frame)
    {
        if (!_recovering)
        {
            FanOut(subscription, frame);
            return;
        }

        if (_held.Count < MaxHeldWhileRecovering)
        {
            _held.Add((subscription, frame));
            return;
        }

        LogHeldOverflow(MaxHeldWhileRecovering);
        GiveUpLocked("overflow");
        FanOut(subscription, frame);
    }

    /// <summary>Called under the dispatch lock; false when the frame was handed on already.</summary>
    private bool FanOut(ChannelSubscription subscription, SseFrame frame)
    {
        if (frame.Position is { } position)
        {
            // A channel's positions go out in order, so one not after its last was already sent (from history, or live).
            if (position <= subscription.LastDispatched)
            {
                return false;
            }

            subscription.LastDispatched = position;
            if (position > _highestDispatched)
            {
                _highestDispatched = position;
            }
        }

        // A full queue ends that stream; the stream itself reports it, whoever found the queue full.
        foreach (var listener in subscription.Listeners)
        {
            listener.TryEnqueue(frame);
        }

        return true;
    }

    /// <summary>Called under the dispatch lock: from now on, live frames are held until the recovery fills the gap.</summary>
    private void StartRecoveryLocked()
    {
        if (_recovering)
        {
            // The running recovery sees the new generation and starts over.
            return;
        }

        _recovering = true;
        var run = ++_recoveryRun;
        _ = Task.Run(() => RecoverAsync(run));
    }

    /// <summary>
    /// Called under the dispatch lock: gives up on the gap, tells every stream what it may have missed and why, and lets
    /// the held frames go, so that nothing waits longer than the bounds.
    /// </summary>
    private void GiveUpLocked(string reason)
    {
        _recoveryRun++;
        _recovering = false;
        // The highest position handed on: on one Redis connection every stream has everything up to it. On a cluster a
        // channel of another node may lag behind it; the signal says events may be missing either way, and the page
        // reloads what it shows rather than resuming from this id.
        var data = JsonSerializer.Serialize(new MissedSignal(_highestDispatched.ToString(), reason), SseJsonContext.Default.MissedSignal);
        var missed = new SseFrame(SseFrameEncoder.EncodeControl(SseStreamHandler.MissedEventType, data, retry: null), null);
        ChannelSubscription[] affected;
        lock (_subscriptionsGate)
        {
            affected = [.. _subscriptions.Values];
        }

        var told = 0;
        foreach (var subscription in affected)
        {
            foreach (var listener in subscription.Listeners)
            {
                listener.TryEnqueue(missed);
                told++;
            }
        }

        _metrics.ResumeMisses.Add(told);
        LogGaveUp(reason, told);
        foreach (var (subscription, frame) in _held)
        {
            FanOut(subscription, frame);
        }

        _held.Clear();
    }

    /// <summary>
    /// Waits until every channel is live on the current connection, subscribes what could not be subscribed before,
    /// reads what was published meanwhile and hands it on, then what was held, in position order and each once; within
    /// <see cref="RecoveryTimeout"/>, else it gives up.
    /// </summary>
    private async Task RecoverAsync(int run)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            long generation;
            lock (_dispatchGate)
            {
                if (_recoveryRun != run)
                {
                    return;
                }

                generation = _generation;
            }

            var remaining = RecoveryTimeout - Stopwatch.GetElapsedTime(started);
            List<(ChannelSubscription Subscription, SseFrame Frame)> missed;
            try
            {
                if (remaining <= TimeSpan.Zero || !await _broker.WaitUntilSubscriptionsLiveAsync(remaining).ConfigureAwait(false))
                {
                    GiveUp(run, "unavailable");
                    return;
                }

                await SubscribeDeferredAsync().ConfigureAwait(false);
                missed = _options.HistoryEnabled ? await ReadMissedAsync().ConfigureAwait(false) : [];
            }
            catch (SseBrokerUnavailableException exception)
            {
                LogRecoveryRetry(exception, attempt);
                await Task.Delay(RecoveryRetryDelay).ConfigureAwait(false);
                continue;
            }
            catch (Exception exception)
            {
                // Holding live events any longer would freeze every stream: give up on the gap, loudly.
                LogRecoveryFailed(exception);
                GiveUp(run, "unavailable");
                return;
            }

            int recovered;
            lock (_dispatchGate)
            {
                if (_recoveryRun != run)
                {
                    return;
                }

                recovered = 0;
                foreach (var (subscription, frame) in missed)
                {
                    if (FanOut(subscription, frame))
                    {
                        recovered++;
                    }
                }

                if (_generation != generation)
                {
                    // Replaced again while reading: what was read is still right, but the next gap is the next round's.
                    LogRecovered(recovered);
                    continue;
                }

                foreach (var (subscription, frame) in _held)
                {
                    FanOut(subscription, frame);
                }

                _held.Clear();
                _recovering = false;
                _recoveryRun++;
            }

            LogRecovered(recovered);

            // What arrived while the lock was taken here waits in the inboxes for the next ring; ring now.
            Ring();
            return;
        }
    }

    private void GiveUp(int run, string reason)
    {
        lock (_dispatchGate)
        {
            if (_recoveryRun == run)
            {
                GiveUpLocked(reason);
            }
        }

        Ring();
    }

    private async Task SubscribeDeferredAsync()
    {
        ChannelSubscription[] deferred;
        lock (_subscriptionsGate)
        {
            deferred = [.. _subscriptions.Values.Where(subscription => subscription.SubscribeDeferred)];
        }

        foreach (var subscription in deferred)
        {
            Attach(subscription, await _broker.SubscribeAsync(subscription.Channel, _ring).ConfigureAwait(false));
            lock (_dispatchGate)
            {
                subscription.SubscribeDeferred = false;
            }
        }
    }

    /// <summary>
    /// Where each subscribed channel's history is read from (live frames are held meanwhile, so these stay put). After the channel's own
    /// last handed-on position (exact, since the channel arrives in order on one connection), or after its baseline if
    /// that is later; a channel that has handed on nothing and has no baseline (it was subscribed while Redis was away)
    /// starts after the highest position handed on anywhere.
    /// </summary>
    private (ChannelSubscription Key, string Channel, EventPosition After)[] MissedReads()
    {
        lock (_dispatchGate)
        {
            return [.. Volatile.Read(ref _inboxed)
                .Select(subscription => (
                    Key: subscription,
                    subscription.Channel,
                    After: subscription.LastDispatched == EventPosition.Zero
                        ? subscription.Baseline ?? _highestDispatched
                        : subscription.Baseline is { } baseline && baseline > subscription.LastDispatched ? baseline : subscription.LastDispatched))

                // Subscribed while Redis was away, before this process ever received an event: nothing to anchor on, and
                // reading the whole history would hand a new stream events it never asked for.
                .Where(read => read.After != EventPosition.Zero || read.Key.Baseline is not null)];
        }
    }

    /// <summary>
    /// The events of every subscribed channel after its own position (<see cref="MissedReads"/>), in position order, up to the
    /// last position assigned when the channels were read: anything later was published after the subscriptions were
    /// live, so it arrived live and is held. Read in pages of <see cref="RecoveryPageSize"/> per channel, every channel
    /// at once.
    /// </summary>
    private async Task<List<(ChannelSubscription Subscription, SseFrame Frame)>> ReadMissedAsync()
    {
        var reads = MissedReads();
        var missed = new List<(ChannelSubscription Subscription, SseFrame Frame)>();
        while (reads.Length > 0)
        {
            var page = await MultiChannelHistory.ReadPageAsync(_broker, reads, RecoveryPage, CancellationToken.None).ConfigureAwait(false);
            foreach (var (subscription, entry) in page.Entries)
            {
                if (SseFrameEncoder.TryDecode(entry.Envelope, int.MaxValue, out var frame, out _))
                {
                    // The history's own id is the position, whoever wrote the envelope's id.
                    missed.Add((subscription, new SseFrame(frame.Bytes, entry.Position)));
                }
            }

            if (page.Complete || page.Entries.Count == 0)
            {
                break;
            }

            reads = [.. reads.Select(read => read with { After = read.After > page.Through ? read.After : page.Through })];
        }

        return missed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on channel '{Channel}' that is not a Flask-SSE event: {Problem}.")]
    private partial void LogRejectedPayload(string channel, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unsubscribe from channel '{Channel}'.")]
    private partial void LogUnsubscribeFailed(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to channel '{Channel}' now; streams on it stay open and it is subscribed once Redis is back.")]
    private partial void LogSubscribeDeferred(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "A Redis connection was replaced; live events wait until what was published meanwhile is read from history.")]
    private partial void LogConnectionReplaced();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read what was published while the Redis connection was down (attempt {Attempt}); trying again. Live events wait meanwhile.")]
    private partial void LogRecoveryRetry(Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read what was published while the Redis connection was down.")]
    private partial void LogRecoveryFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "More than {Count} live events arrived while history was being read after a Redis outage.")]
    private partial void LogHeldOverflow(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up filling the gap of a Redis outage ({Reason}); {Streams} streams were sent the sse-missed event and continue with live events.")]
    private partial void LogGaveUp(string reason, int streams);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriptions are live again; {Count} events published meanwhile were delivered from history.")]
    private partial void LogRecovered(int count);
}
