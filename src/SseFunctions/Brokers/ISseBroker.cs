using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>
/// Everything the package asks of a broker, so that moving to another Redis client stays local to one class.
/// Channels are always literal channel names, never patterns.
/// </summary>
internal interface ISseBroker : IAsyncDisposable
{
    /// <summary>
    /// Raised, on any thread and possibly late, when a connection that may carry subscriptions was lost or came back.
    /// The hub then reads its inboxes and <see cref="ConnectionGeneration"/>, which tell it what happened in order.
    /// </summary>
    event Action? ConnectionChanged;

    /// <summary>
    /// Grows whenever a connection that may carry subscriptions is replaced. A message taken from an inbox before this
    /// was read came on a connection of this generation or an earlier one, so a reader that sees it change knows that
    /// what it took may have crossed a gap.
    /// </summary>
    long ConnectionGeneration { get; }

    /// <summary>
    /// Publishes an envelope. With <paramref name="appendToHistory"/>, the envelope is open (no closing brace): the
    /// broker assigns the next position, closes the envelope with it as the id (<see cref="EnvelopeEncoder.Close"/>),
    /// appends it to the channel's history and publishes it, all in one atomic step.
    /// </summary>
    Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes a channel; once it completes, messages go to the returned inbox, and <paramref name="arrived"/> is
    /// called (on any thread) after each. Fails with <see cref="SseBrokerUnavailableException"/>, leaving nothing
    /// subscribed, when the broker cannot subscribe now.
    /// </summary>
    Task<IChannelInbox> SubscribeAsync(string channel, Action arrived);

    Task UnsubscribeAsync(IChannelInbox inbox);

    /// <summary>Completes with true once every subscribed channel is live on the current connection, or with false after <paramref name="timeout"/>.</summary>
    Task<bool> WaitUntilSubscriptionsLiveAsync(TimeSpan timeout);

    /// <summary>
    /// The events of a channel's history after a position, oldest first, up to <paramref name="limit"/>, and whether any
    /// were lost before them.
    /// </summary>
    Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, HistoryLimit limit, CancellationToken cancellationToken);

    /// <summary>The last position assigned on any channel, or <see cref="EventPosition.Zero"/> when none was.</summary>
    Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken);
}
