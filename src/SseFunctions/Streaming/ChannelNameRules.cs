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

        var control = channel.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        if (control < 0)
        {
            control = channel.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        }

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
