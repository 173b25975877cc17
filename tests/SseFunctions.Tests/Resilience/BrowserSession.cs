using System.Net.ServerSentEvents;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// What a browser's <c>EventSource</c> does: reads a stream, and whenever it ends reconnects at once with the last event
/// id it saw (as the <c>Last-Event-ID</c> header, or as <c>?lastEventId=</c> for clients that cannot set headers).
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly SseTestHost _host;
    private readonly string _query;
    private readonly bool _resumeByQuery;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<SseItem<string>> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    private BrowserSession(SseTestHost host, string query, bool resumeByQuery, string? lastEventId)
    {
        _host = host;
        _query = query;
        _resumeByQuery = resumeByQuery;
        LastEventId = lastEventId;
    }

    /// <summary>The id a reconnect sends: that of the last event seen with one.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>How many times a stream was opened.</summary>
    public int Connections { get; private set; }

    /// <summary>Streams the server ended normally (the response completed).</summary>
    public int NormalEnds { get; private set; }

    /// <summary>Streams that ended with an error (the connection was cut).</summary>
    public int AbruptEnds { get; private set; }

    public IReadOnlyList<SseItem<string>> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Opens the first stream and completes once it is open, then keeps reading and reconnecting in the background.</summary>
    public static async Task<BrowserSession> StartAsync(SseTestHost host, string query, bool resumeByQuery = false, string? lastEventId = null)
    {
        var session = new BrowserSession(host, query, resumeByQuery, lastEventId);
        var first = await session.OpenAsync();
        session._loop = session.RunAsync(first);
        return session;
    }

    /// <summary>Waits until the events received satisfy <paramref name="condition"/>; fails the test if not in time.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<SseItem<string>>, bool> condition, string what, Func<IReadOnlyList<SseItem<string>>, string>? explain = null)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            var events = Events;
            if (condition(events))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Not in time: {what}. {explain?.Invoke(events)} After {Connections} connection(s) received: {string.Join(", ", events.Select(item => item.Data))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task<SseTestClient> OpenAsync()
    {
        var query = _query;
        string? header = LastEventId;
        if (_resumeByQuery && LastEventId is not null)
        {
            query += (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lastEventId=" + Uri.EscapeDataString(LastEventId);
            header = null;
        }

        var client = await _host.OpenStreamAsync(query, header);
        Assert.Equal(System.Net.HttpStatusCode.OK, client.Response.StatusCode);
        Connections++;
        return client;
    }

    private async Task RunAsync(SseTestClient client)
    {
        while (true)
        {
            await using (client)
            {
                if (!await ReadUntilEndAsync(client))
                {
                    return;
                }
            }

            client = await OpenAsync();
        }
    }

    /// <summary>Reads until the stream ends (true) or the session is stopped (false).</summary>
    private async Task<bool> ReadUntilEndAsync(SseTestClient client)
    {
        while (!_stop.IsCancellationRequested)
        {
            SseItem<string> item;
            try
            {
                item = await client.NextAsync(PollInterval);
            }
            catch (TimeoutException)
            {
                continue;
            }
            catch (InvalidOperationException)
            {
                try
                {
                    await client.Ended;
                    NormalEnds++;
                }
                catch (Exception exception) when (exception is IOException or HttpRequestException)
                {
                    AbruptEnds++;
                }

                return true;
            }

            TaskCompletionSource changed;
            lock (_gate)
            {
                _events.Add(item);
                LastEventId = item.EventId ?? LastEventId;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        return false;
    }
}
