using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>
/// Everything the package asks of a broker, so that moving to another Redis client stays local to one class.
/// Channels are always literal channel names, never patterns.
/// </summary>
internal interface ISseBroker : IAsyncDisposable
{
    /// <summary>Raised when the broker loses its subscription connection; live messages stop until restored.</summary>
    event Action? SubscriptionsLost;

    /// <summary>
    /// Raised once every channel is subscribed again after a loss (it may also follow a first connection, with no loss
    /// before it): what was published meanwhile is only in history, and everything published from now on arrives live.
    /// </summary>
    event Action? SubscriptionsRestored;

    /// <summary>
    /// Publishes an envelope. With <paramref name="appendToHistory"/>, the envelope is open (no closing brace): the
    /// broker assigns the next position, closes the envelope with it as the id, appends it to the channel's history and
    /// publishes it, all in one atomic step.
    /// </summary>
    Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken);

    /// <summary>Subscribes the handler; completes once the broker confirmed, or at once while disconnected (it is restored later).</summary>
    Task SubscribeAsync(string channel, Action<byte[]> handler);

    Task UnsubscribeAsync(string channel, Action<byte[]> handler);

    /// <summary>
    /// The events of a channel's history after a position, oldest first, up to <paramref name="limit"/>, and whether any
    /// were lost before them.
    /// </summary>
    Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, HistoryLimit limit, CancellationToken cancellationToken);

    /// <summary>The last position assigned on any channel, or <see cref="EventPosition.Zero"/> when none was.</summary>
    Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken);
}
