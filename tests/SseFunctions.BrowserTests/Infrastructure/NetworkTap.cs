using System.Text.Json;
using Microsoft.Playwright;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// Counts what Chromium's network layer received on a page's event streams, through the DevTools protocol. The page
/// itself cannot see bytes that dispatch no event (the opening comment, heartbeats); this can.
/// </summary>
public sealed class NetworkTap
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _eventStreamUrls = [];
    private readonly List<string> _chunkUrls = [];
    private readonly ChangeSignal _changed = new();

    private NetworkTap()
    {
    }

    /// <summary>Starts recording for <paramref name="page"/>; only requests made from now on are seen.</summary>
    public static async Task<NetworkTap> AttachAsync(IPage page)
    {
        var tap = new NetworkTap();
        var session = await page.Context.NewCDPSessionAsync(page);
        session.Event("Network.requestWillBeSent").OnEvent += (_, message) => tap.OnRequest(message);
        session.Event("Network.dataReceived").OnEvent += (_, message) => tap.OnData(message);
        await session.SendAsync("Network.enable");
        return tap;
    }

    /// <summary>How many pieces of body (one per network read) event streams whose URL contains <paramref name="urlPart"/> received.</summary>
    public int ChunksReceived(string urlPart)
    {
        lock (_gate)
        {
            return _chunkUrls.Count(url => url.Contains(urlPart, StringComparison.Ordinal));
        }
    }

    /// <summary>Waits until event streams whose URL contains <paramref name="urlPart"/> have received <paramref name="chunks"/> pieces of body.</summary>
    public Task WaitForChunksAsync(string urlPart, int chunks) =>
        _changed.WaitUntilAsync(
            () => ChunksReceived(urlPart) >= chunks,
            () => $"Chromium received {ChunksReceived(urlPart)} piece(s) of body on the stream '{urlPart}', never {chunks}, within {Waits.Generous.TotalSeconds} s.");

    private void OnRequest(JsonElement? message)
    {
        if (message is { } value && value.TryGetProperty("type", out var type) && type.GetString() == "EventSource")
        {
            lock (_gate)
            {
                _eventStreamUrls[value.GetProperty("requestId").GetString()!] = value.GetProperty("request").GetProperty("url").GetString()!;
            }
        }
    }

    private void OnData(JsonElement? message)
    {
        if (message is not { } value || value.GetProperty("dataLength").GetInt64() == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_eventStreamUrls.TryGetValue(value.GetProperty("requestId").GetString()!, out var url))
            {
                return;
            }

            _chunkUrls.Add(url);
        }

        _changed.Raise();
    }
}
