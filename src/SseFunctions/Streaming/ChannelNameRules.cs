using System.Globalization;

namespace SseFunctions.Streaming;

/// <summary>
/// What a channel name may be: not empty, not longer than <see cref="SseOptions.MaxChannelNameLength"/>, no control
/// characters. It is always used as a literal channel, so <c>*</c> or <c>?</c> are ordinary characters, never a pattern.
/// </summary>
internal static class ChannelNameRules
{
    public static string? Problem(string? channel, SseOptions options)
    {
        if (string.IsNullOrEmpty(channel))
        {
            return "A channel name must not be empty.";
        }

        if (channel.Length > options.MaxChannelNameLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The channel name is {channel.Length} characters long; at most {options.MaxChannelNameLength} are allowed (Sse:MaxChannelNameLength).");
        }

        // The first control character of either range, so that the reason points at the first one to fix.
        var c0 = channel.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        var c1 = channel.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        var control = c0 < 0 || c1 < 0 ? Math.Max(c0, c1) : Math.Min(c0, c1);

        return control >= 0
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"The channel name has a control character (U+{(int)channel[control]:X4}) at position {control}; use printable characters only.")
            : null;
    }

    public static void ThrowIfInvalid(string? channel, SseOptions options)
    {
        if (Problem(channel, options) is { } problem)
        {
            throw new ArgumentException(problem, nameof(channel));
        }
    }
}
