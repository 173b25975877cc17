using System.Buffers;
using System.Globalization;
using System.Text;

namespace SseFunctions.Diagnostics;

/// <summary>
/// Makes a value a client chose (an id, a channel name) safe to put in a log message: control characters and line
/// separators are written as <c>\uXXXX</c>, so that the value can neither end the log line nor fake the next one,
/// whatever the logger does with the message.
/// </summary>
internal static class LogText
{
    // C0 and C1 controls, DEL, and the Unicode line and paragraph separators: whatever a log viewer may take for a line break.
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(code => (char)code), .. Enumerable.Range(0x7f, 0x21).Select(code => (char)code), '\u2028', '\u2029']);

    public static string Escape(string value)
    {
        var first = value.AsSpan().IndexOfAny(Unsafe);
        if (first < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 16).Append(value, 0, first);
        foreach (var character in value.AsSpan(first))
        {
            if (Unsafe.Contains(character))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)character:x4}");
            }
            else
            {
                escaped.Append(character);
            }
        }

        return escaped.ToString();
    }
}
