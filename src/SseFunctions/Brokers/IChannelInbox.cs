namespace SseFunctions.Brokers;

/// <summary>
/// One subscribed channel's messages, kept by the broker in the order they arrived until the hub takes them.
/// </summary>
/// <remarks>
/// The hub orders messages across channels by reading every inbox in one pass, so a broker must keep this promise: a
/// message is in its inbox before the broker calls the hub back for it, and a reader that took a message from one
/// inbox finds in the others every message that arrived before it.
/// </remarks>
internal interface IChannelInbox
{
    string Channel { get; }

    /// <summary>Takes the oldest message not taken yet, without waiting.</summary>
    bool TryRead(out byte[] payload);
}
