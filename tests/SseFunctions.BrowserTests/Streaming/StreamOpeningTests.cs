using SseFunctions.BrowserTests.Infrastructure;

namespace SseFunctions.BrowserTests.Streaming;

[Collection(BrowserTestGroup.Name)]
public sealed class StreamOpeningTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_first_bytes_reach_the_browser_and_open_fires_before_anything_is_published()
    {
        // No heartbeat comes within the test: only the opening the server flushes at once can reach the browser.
        await using var host = await SampleHost.StartAsync(browser.Redis, options => options.HeartbeatInterval = TimeSpan.FromHours(1));
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.PageUrl());
        var network = await NetworkTap.AttachAsync(page);
        var channel = "opening-" + Guid.NewGuid().ToString("N");

        var probe = await EventSourceProbe.OpenAsync(page, "stream?channel=" + channel);

        // Open alone might come from the response headers; the body bytes are what clients and proxies wait for.
        await probe.WaitUntilAsync("log => log.some(e => e.listener === 'onopen')", "the open event");
        await network.WaitForChunksAsync(channel, 1);
        Assert.Empty(await probe.MessagesAsync());
    }

    [Fact]
    public async Task Heartbeats_keep_coming_and_never_dispatch_an_event()
    {
        await using var host = await SampleHost.StartAsync(browser.Redis, options => options.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.PageUrl());
        var network = await NetworkTap.AttachAsync(page);
        var channel = "heartbeat-" + Guid.NewGuid().ToString("N");

        // Listens also for the names other servers give their keep-alive events, in case one became an event.
        var probe = await EventSourceProbe.OpenAsync(page, "stream?channel=" + channel, "heartbeat", "ping", "keep-alive");
        await probe.WaitUntilAsync("log => log.some(e => e.listener === 'onopen')", "the open event");

        // Nothing is published, so every piece of body after the opening is a heartbeat: wait for several.
        await network.WaitForChunksAsync(channel, 5);

        // The stream is ordered: once this event is dispatched, every heartbeat before it has been handled.
        await host.Publisher.PublishAsync("after the heartbeats", channel: channel);
        await probe.WaitForMessagesAsync(1);
        var message = Assert.Single(await probe.MessagesAsync());
        Assert.Equal("after the heartbeats", message.Data);
        Assert.Equal("onmessage", message.Listener);
    }
}
