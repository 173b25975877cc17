using System.Text;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// A stream read as the bytes the server wrote (after HTTP de-chunking), comments included, which
/// <see cref="System.Net.ServerSentEvents.SseParser"/> would hide: for heartbeats and the exact wire format.
/// </summary>
public sealed class RawSseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly MemoryStream _received = new();
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    private RawSseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reading = ReadAsync(body);
    }

    /// <summary>Completes when the server ended the stream (or the connection dropped).</summary>
    public Task Ended => _reading;

    /// <summary>Every byte received so far.</summary>
    public byte[] Bytes
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Every byte received so far, as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    public static async Task<RawSseReader> OpenAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(SseTestClient.Patience);
        response.EnsureSuccessStatusCode();
        return new RawSseReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>How often <paramref name="part"/> occurs in <paramref name="text"/>.</summary>
    public static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Waits until what was received satisfies <paramref name="condition"/>; throws with the text received if not in time.</summary>
    public async Task WaitUntilAsync(Func<string, bool> condition, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? SseTestClient.Patience);
        while (true)
        {
            Task changed;
            bool ended;
            lock (_gate)
            {
                changed = _changed.Task;
                ended = _ended;
            }

            var text = Text;
            if (condition(text))
            {
                return;
            }

            if (ended)
            {
                throw new InvalidOperationException($"The stream ended before the condition held. Received:\n{text}");
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The condition did not hold within {(timeout ?? SseTestClient.Patience).TotalSeconds} s. Received:\n{text}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // The test closed the stream itself.
        }

        _stop.Dispose();
        await _received.DisposeAsync();
    }

    private async Task ReadAsync(Stream body)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, _stop.Token)) > 0)
            {
                Signal(() => _received.Write(buffer, 0, read));
            }
        }
        finally
        {
            Signal(() => _ended = true);
        }
    }

    private void Signal(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
