using System.Text.Json;
using Microsoft.Playwright;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// An <c>EventSource</c> the test opens in a page of the sample (so it is same-origin, as the page's own is), recording
/// in the page everything it dispatches: <c>open</c>, <c>error</c>, <c>onmessage</c> and the named types listened to.
/// </summary>
public sealed class EventSourceProbe
{
    private const string OpenScript = """
        ([url, types]) => {
          const probes = window.sseProbes ??= [];
          const log = [];
          const source = new EventSource(url);
          const record = (listener, event) => log.push({
            listener,
            type: event.type,
            data: event.data ?? null,
            lastEventId: event.lastEventId ?? null,
            readyState: source.readyState,
            at: performance.now(),
          });
          source.onopen = event => record("onopen", event);
          source.onerror = event => record("onerror", event);
          source.onmessage = event => record("onmessage", event);
          for (const type of types) {
            source.addEventListener(type, event => record(type, event));
          }
          probes.push({ source, log });
          return probes.length - 1;
        }
        """;

    private readonly IPage _page;
    private readonly int _index;

    private EventSourceProbe(IPage page, int index)
    {
        _page = page;
        _index = index;
    }

    /// <summary>Opens <c>new EventSource(relativeUrl)</c> in <paramref name="page"/>, listening also for <paramref name="types"/>.</summary>
    public static async Task<EventSourceProbe> OpenAsync(IPage page, string relativeUrl, params string[] types) =>
        new(page, await page.EvaluateAsync<int>(OpenScript, new object[] { relativeUrl, types }));

    /// <summary>Everything recorded so far, oldest first.</summary>
    public async Task<IReadOnlyList<ProbeEntry>> EntriesAsync()
    {
        var log = await _page.EvaluateAsync<JsonElement>("index => window.sseProbes[index].log", _index);
        return log.Deserialize<ProbeEntry[]>(JsonSerializerOptions.Web)!;
    }

    /// <summary>The messages recorded so far (no open or error), oldest first.</summary>
    public async Task<IReadOnlyList<ProbeEntry>> MessagesAsync() => [.. (await EntriesAsync()).Where(static entry => entry.IsMessage)];

    /// <summary>Waits until <paramref name="predicate"/>, a JavaScript function of the log array, is true.</summary>
    public async Task WaitUntilAsync(string predicate, string what)
    {
        try
        {
            await _page.WaitForFunctionAsync(
                $"index => ({predicate})(window.sseProbes[index].log)",
                _index,
                new PageWaitForFunctionOptions { PollingInterval = 50, Timeout = (float)Waits.Generous.TotalMilliseconds });
        }
        catch (System.TimeoutException exception)
        {
            var entries = await EntriesAsync();
            throw new TimeoutException(
                $"The page never saw {what} within {Waits.Generous.TotalSeconds} s. It recorded {entries.Count} entries, the last ones:\n  {string.Join("\n  ", entries.TakeLast(20))}",
                exception);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived.</summary>
    public Task WaitForMessagesAsync(int count) =>
        WaitUntilAsync($"log => log.filter(e => e.listener !== 'onopen' && e.listener !== 'onerror').length >= {count}", $"{count} message(s)");
}
