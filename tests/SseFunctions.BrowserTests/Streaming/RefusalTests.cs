using System.Globalization;
using SseFunctions.BrowserTests.Infrastructure;

namespace SseFunctions.BrowserTests.Streaming;

[Collection(BrowserTestGroup.Name)]
public sealed class RefusalTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_denied_channel_and_bad_channel_names_fire_error_and_the_browser_never_retries()
    {
        // Streams that do open are ended every second, so the accepted one below keeps reconnecting.
        await using var host = await SampleHost.StartAsync(browser.Redis, options =>
        {
            options.MaxStreamDuration = TimeSpan.FromSeconds(1);
            options.MaxStreamDurationJitter = TimeSpan.Zero;
            options.ReconnectInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.PageUrl());
        var suffix = Guid.NewGuid().ToString("N");
        var refused = new (string Channel, int Status)[]
        {
            ("private-" + suffix, 403), // the sample's authorization hook
            (string.Empty, 400),
            ("bell\a" + suffix, 400),
        };

        var probes = new List<EventSourceProbe>();
        foreach (var (channel, _) in refused)
        {
            probes.Add(await EventSourceProbe.OpenAsync(page, "stream?channel=" + Uri.EscapeDataString(channel)));
        }

        foreach (var probe in probes)
        {
            await probe.WaitUntilAsync($"log => log.some(e => e.listener === 'onerror' && e.readyState === {ProbeEntry.Closed})", "error with the source CLOSED");
        }

        // A browser that retried would do so after its default reconnection time, 3 s in Chromium (none of these
        // responses carried a retry: hint). Wait until an accepted stream opened well after that, in the same page.
        var refusedAt = (await Task.WhenAll(probes.Select(static probe => probe.EntriesAsync()))).SelectMany(static log => log).Max(static entry => entry.At);
        var accepted = await EventSourceProbe.OpenAsync(page, "stream?channel=accepted-" + suffix);
        await accepted.WaitUntilAsync(
            string.Create(CultureInfo.InvariantCulture, $"log => log.some(e => e.listener === 'onopen' && e.at > {refusedAt + 4000})"),
            "an open more than 4 s after the refusals");

        await host.Streams.WaitUntilAsync(
            visits => refused.All(refusal => visits.Any(visit => visit.Channels.SequenceEqual([refusal.Channel]) && visit.StatusCode is not null)),
            "the refused requests answered");
        foreach (var (probe, (channel, status)) in probes.Zip(refused))
        {
            var entries = await probe.EntriesAsync();
            Assert.DoesNotContain(entries, static entry => entry.Listener == "onopen");
            Assert.Single(entries, static entry => entry.Listener == "onerror");
            var visit = Assert.Single(host.Streams.Visits, visit => visit.Channels.SequenceEqual([channel]));
            Assert.Equal(status, visit.StatusCode);
        }
    }
}
