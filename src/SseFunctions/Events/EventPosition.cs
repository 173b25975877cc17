using System.Globalization;

namespace SseFunctions.Events;

/// <summary>
/// An event's place in the history: a Redis Stream id <c>milliseconds-sequence</c>, assigned from one counter for all
/// channels, so positions compare across channels and one <c>Last-Event-ID</c> can resume a stream of several channels.
/// </summary>
/// <remarks>
/// Any program may publish an id of that shape, so a live message's id is a position only when the package wrote it:
/// it writes the dash of the envelope's id as the JSON escape <c>\u002d</c>. The id's text is unchanged for
/// Flask-SSE, browsers and every JSON reader, and the envelope keeps to Flask-SSE's four keys, but no JSON writer
/// escapes a dash by itself, so an id another program chose is passed on as its id and never orders or skips anything.
/// </remarks>
internal readonly record struct EventPosition(long Milliseconds, long Sequence) : IComparable<EventPosition>
{
    public static readonly EventPosition Zero = new(0, 0);

    /// <summary>How the package writes the dash of a position inside a JSON string: what marks the id as its own.</summary>
    public const string JsonMarkedDash = "\\u002d";

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

    /// <summary>Reads a JSON string's raw (still escaped) bytes as a position the package wrote: digits, <see cref="JsonMarkedDash"/>, digits.</summary>
    public static bool TryParseMarked(ReadOnlySpan<byte> rawJsonString, out EventPosition position)
    {
        position = default;
        var dash = rawJsonString.IndexOf("\\u002d"u8);
        if (dash <= 0
            || !TryParseDigits(rawJsonString[..dash], out var milliseconds)
            || !TryParseDigits(rawJsonString[(dash + JsonMarkedDash.Length)..], out var sequence))
        {
            return false;
        }

        position = new EventPosition(milliseconds, sequence);
        return true;
    }

    /// <summary>The position as the package writes it into an envelope's JSON id (without the quotes).</summary>
    public string ToMarkedJson() =>
        string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}{JsonMarkedDash}{Sequence}");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9' || value > (long.MaxValue - (digit - '0')) / 10)
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return !digits.IsEmpty;
    }
}
