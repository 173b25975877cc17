using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// The server's own record of every request to the stream endpoint: when it came, what it asked for, how and when it
/// ended. Tests wait on it to know what the browser did, instead of guessing with the clock.
/// </summary>
public sealed class StreamLog
{
    private readonly Lock _gate = new();
    private readonly List<StreamVisit> _visits = [];
    private readonly ChangeSignal _changed = new();

    public IReadOnlyList<StreamVisit> Visits
    {
        get
        {
            lock (_gate)
            {
                return [.. _visits];
            }
        }
    }

    /// <summary>The visits on <paramref name="channel"/>, oldest first.</summary>
    public IReadOnlyList<StreamVisit> For(string channel) => [.. Visits.Where(visit => visit.IsFor(channel))];

    /// <summary>Waits until <paramref name="condition"/> holds for the visits so far; fails naming what it waited for.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<StreamVisit>, bool> condition, string what) =>
        _changed.WaitUntilAsync(
            () => condition(Visits),
            () => $"The server never saw {what} within {Waits.Generous.TotalSeconds} s. Stream requests:\n  {string.Join("\n  ", Visits)}");

    internal async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var visit = new StreamVisit(
            [.. context.Request.Query["channel"].Select(static channel => channel ?? string.Empty)],
            context.Request.Headers["Last-Event-ID"].FirstOrDefault(),
            Stopwatch.GetTimestamp());
        lock (_gate)
        {
            _visits.Add(visit);
        }

        _changed.Raise();
        try
        {
            await next(context);
        }
        finally
        {
            visit.End(context.Response.StatusCode, Stopwatch.GetTimestamp());
            _changed.Raise();
        }
    }
}
