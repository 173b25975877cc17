using System.Net.ServerSentEvents;
using System.Threading.Channels;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>
/// A stream read by the BCL's <see cref="SseParser"/>, as a browser would parse it. Items arrive on a channel so a
/// test waits for the next one with a deadline instead of sleeping.
/// </summary>
public sealed class SseTestClient : IAsyncDisposable
{
    /// <summary>Long enough for a loaded 2-core machine; only reached when something is broken.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseItem<string>> _items = Channel.CreateUnbounded<SseItem<string>>();
    private readonly Task _reading;

    private SseTestClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reading = ReadAsync(body);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Completes when the server ended the stream (or the connection dropped).</summary>
    public Task Ended => _reading;

    /// <summary>The reconnection time the stream's <c>retry:</c> set, as the parser saw it.</summary>
    public TimeSpan? ReconnectionInterval { get; private set; }

    public static async Task<SseTestClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);
        var body = await response.Content.ReadAsStreamAsync();
        return new SseTestClient(response, body);
    }

    /// <summary>The next event, heartbeats excluded (the parser never yields comments).</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            return await _items.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No event arrived within {(timeout ?? Patience).TotalSeconds} s.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The stream ended before the next event.");
        }
    }

    /// <summary>Every event until the server ends the stream.</summary>
    public async Task<IReadOnlyList<SseItem<string>>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        await _reading.WaitAsync(timeout ?? Patience);
        var items = new List<SseItem<string>>();
        while (_items.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>True if an event is already waiting: for asserting that nothing more arrived after a later marker.</summary>
    public bool TryTake(out SseItem<string> item) => _items.Reader.TryRead(out item);

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
    }

    private async Task ReadAsync(Stream body)
    {
        try
        {
            var parser = SseParser.Create(body);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                ReconnectionInterval = parser.ReconnectionInterval;
                await _items.Writer.WriteAsync(item);
            }

            ReconnectionInterval = parser.ReconnectionInterval;
        }
        finally
        {
            _items.Writer.TryComplete();
        }
    }
}
