using System.Diagnostics;
using System.Globalization;
using SseFunctions.BrowserTests.Infrastructure;
using Xunit.Abstractions;

namespace SseFunctions.BrowserTests.Streaming;

[Collection(BrowserTestGroup.Name)]
public sealed class ReconnectTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task When_the_server_ends_streams_while_events_keep_coming_the_page_gets_every_event_once_in_order()
    {
        await using var host = await SampleHost.StartAsync(browser.Redis, options =>
        {
            options.MaxStreamDuration = TimeSpan.FromSeconds(2);
            options.MaxStreamDurationJitter = TimeSpan.FromMilliseconds(200);

            // Long enough that events are published while the browser is away and must come from history.
            options.ReconnectInterval = TimeSpan.FromMilliseconds(500);
            options.HistoryMaxLength = 100_000;
        });
        using var replayed = new MeterTotal(host, "sse.events.replayed");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.PageUrl());
        var channel = "resume-" + Guid.NewGuid().ToString("N");
        var probe = await EventSourceProbe.OpenAsync(page, "stream?channel=" + channel);
        await probe.WaitUntilAsync("log => log.some(e => e.listener === 'onopen')", "the open event");

        var published = new List<string>();
        using var stopPublishing = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var number = 1; !stopPublishing.IsCancellationRequested; number++)
            {
                var data = number.ToString(CultureInfo.InvariantCulture);
                await host.Publisher.PublishAsync(data, channel: channel);
                published.Add(data);

                // Pacing, not synchronization: several hundred events a second, so that some land in the instant a
                // stream resumes (sent live and from history, they must reach the page once), yet fewer than history keeps.
                await Task.Delay(1);
            }
        });

        await host.Streams.WaitUntilAsync(visits => visits.Count(visit => visit.IsFor(channel)) >= 3, "the browser reconnect twice");
        await stopPublishing.CancelAsync();
        await publishing;

        await probe.WaitForMessagesAsync(published.Count);
        var messages = await probe.MessagesAsync();
        Assert.Equal(published, messages.Select(static message => message.Data));

        // It resumed by itself, from the last event it had, and the server had to fill the gaps from history.
        var entries = await probe.EntriesAsync();
        Assert.All(entries.Where(static entry => entry.Listener == "onerror"), static entry => Assert.NotEqual(ProbeEntry.Closed, entry.ReadyState));
        var resumes = host.Streams.For(channel).Skip(1).ToList();
        Assert.All(resumes, resume => Assert.Contains(resume.LastEventId, messages.Select(static message => message.LastEventId)));
        Assert.True(replayed.Total > 0, "No event was replayed from history: the test did not exercise a gap.");
        output.WriteLine($"{published.Count} events over {resumes.Count + 1} streams, {replayed.Total} of them replayed from history.");
    }

    [Fact]
    public async Task The_browser_waits_as_long_as_the_retry_hint_says_before_reconnecting()
    {
        // Chromium's own default is 3 s: one hint well under it, one well over it.
        var shortHint = TimeSpan.FromMilliseconds(200);
        var longHint = TimeSpan.FromSeconds(6);
        var reconnections = await Task.WhenAll(MeasureReconnectionAsync(shortHint), MeasureReconnectionAsync(longHint));

        output.WriteLine($"retry: {shortHint.TotalMilliseconds} ms -> reconnected after {reconnections[0].TotalMilliseconds:F0} ms");
        output.WriteLine($"retry: {longHint.TotalMilliseconds} ms -> reconnected after {reconnections[1].TotalMilliseconds:F0} ms");

        // Generous bounds for a busy machine: the browser may be late, never early.
        Assert.InRange(reconnections[0], shortHint, TimeSpan.FromSeconds(2.5));
        Assert.InRange(reconnections[1], longHint * 0.95, TimeSpan.FromSeconds(20));
    }

    /// <summary>The time from the server ending a stream to the browser's next request, as the server saw it.</summary>
    private async Task<TimeSpan> MeasureReconnectionAsync(TimeSpan hint)
    {
        await using var host = await SampleHost.StartAsync(browser.Redis, options =>
        {
            options.ReconnectInterval = hint;
            options.MaxStreamDuration = TimeSpan.FromSeconds(1);
            options.MaxStreamDurationJitter = TimeSpan.Zero;
        });
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.PageUrl());
        var channel = "retry-" + Guid.NewGuid().ToString("N");
        await EventSourceProbe.OpenAsync(page, "stream?channel=" + channel);

        await host.Streams.WaitUntilAsync(
            visits => visits.Where(visit => visit.IsFor(channel)).ToList() is [{ Ended: not null }, _, ..],
            "the browser reconnect after the first stream ended");
        var visits = host.Streams.For(channel);
        return Stopwatch.GetElapsedTime(visits[0].Ended!.Value, visits[1].Started);
    }
}
