using System.Diagnostics;
using System.Globalization;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>One request to the stream endpoint, as the server saw it.</summary>
public sealed class StreamVisit(IReadOnlyList<string> channels, string? lastEventId, long started)
{
    private readonly Lock _gate = new();
    private long? _ended;
    private int? _statusCode;

    public IReadOnlyList<string> Channels { get; } = channels;

    /// <summary>The <c>Last-Event-ID</c> header the browser sent, if any.</summary>
    public string? LastEventId { get; } = lastEventId;

    /// <summary>When the request arrived (a <see cref="Stopwatch"/> timestamp).</summary>
    public long Started { get; } = started;

    /// <summary>When the server finished the response (a <see cref="Stopwatch"/> timestamp); null while it streams.</summary>
    public long? Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>The status the response ended with; null while it streams.</summary>
    public int? StatusCode
    {
        get
        {
            lock (_gate)
            {
                return _statusCode;
            }
        }
    }

    public bool IsFor(string channel) => Channels.Contains(channel, StringComparer.Ordinal);

    public override string ToString() =>
        $"[{string.Join(',', Channels)}] Last-Event-ID={LastEventId ?? "none"} status={StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "streaming"}";

    internal void End(int statusCode, long ended)
    {
        lock (_gate)
        {
            _statusCode = statusCode;
            _ended = ended;
        }
    }
}
