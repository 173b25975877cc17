using SseFunctions.Events;

namespace SseFunctions.Framing;

/// <summary>
/// Bytes ready to write to every stream of a channel: encoded once per message, shared by all streams.
/// </summary>
internal sealed class SseFrame(byte[] bytes, EventPosition? position)
{
    /// <summary>The comment sent when a stream has been silent for the heartbeat interval.</summary>
    public static readonly SseFrame Heartbeat = new(": heartbeat\n\n"u8.ToArray(), null);

    public byte[] Bytes { get; } = bytes;

    /// <summary>The history position, when the package wrote the id; streams skip positions they have already sent.</summary>
    public EventPosition? Position { get; } = position;
}
