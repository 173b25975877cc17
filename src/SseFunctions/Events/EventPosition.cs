using System.Globalization;

namespace SseFunctions.Events;

/// <summary>
/// An event's place in the history: a Redis Stream id <c>milliseconds-sequence</c>, assigned from one counter for all
/// channels, so positions compare across channels and one <c>Last-Event-ID</c> can resume a stream of several channels.
/// </summary>
internal readonly record struct EventPosition(long Milliseconds, long Sequence) : IComparable<EventPosition>
{
    public static readonly EventPosition Zero = new(0, 0);

    public int CompareTo(EventPosition other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(EventPosition left, EventPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(EventPosition left, EventPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventPosition left, EventPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventPosition left, EventPosition right) => left.CompareTo(right) >= 0;

    public static bool TryParse(ReadOnlySpan<char> text, out EventPosition position)
    {
        position = default;
        var dash = text.IndexOf('-');
        if (dash <= 0 || dash == text.Length - 1)
        {
            return false;
        }

        if (!long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        position = new EventPosition(milliseconds, sequence);
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
