namespace SseFunctions.Events;

/// <summary>
/// The WHATWG rules for the fields a server writes: a CR or LF in <c>event:</c> or <c>id:</c> would end the line and
/// inject fields, a NUL in <c>id:</c> makes browsers ignore it, and <c>retry:</c> is a count of milliseconds.
/// </summary>
internal static class EventFieldValidator
{
    public static string? TypeProblem(string? type) =>
        type is not null && type.AsSpan().IndexOfAny('\r', '\n') >= 0
            ? "The event type must not contain CR or LF: they would end the 'event:' line."
            : null;

    public static string? IdProblem(string? id) =>
        id is not null && id.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0
            ? "The event id must not contain CR, LF or NUL: browsers ignore an id with NUL, and a line break would inject fields."
            : null;

    public static string? RetryProblem(long? retry) =>
        retry < 0 ? "The retry hint is a count of milliseconds and must be zero or more." : null;

    public static void ThrowIfInvalid(string? type, string? id, int? retry)
    {
        if (TypeProblem(type) is { } typeProblem)
        {
            throw new ArgumentException(typeProblem, nameof(type));
        }

        if (IdProblem(id) is { } idProblem)
        {
            throw new ArgumentException(idProblem, nameof(id));
        }

        if (RetryProblem(retry) is { } retryProblem)
        {
            throw new ArgumentOutOfRangeException(nameof(retry), retry, retryProblem);
        }
    }
}
