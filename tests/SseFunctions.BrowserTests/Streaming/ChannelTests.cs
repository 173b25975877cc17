using SseFunctions.BrowserTests.Infrastructure;

namespace SseFunctions.BrowserTests.Streaming;

[Collection(BrowserTestGroup.Name)]
public sealed class ChannelTests(BrowserFixture browser)
{
    [Fact]
    public async Task One_event_source_gets_both_of_its_channels_and_another_tab_only_its_own()
    {
        var suffix = Guid.NewGuid().ToString("N");
        string news = "news-" + suffix, sport = "sport-" + suffix, weather = "weather-" + suffix;
        await using var host = await SampleHost.StartAsync(browser.Redis);
        await using var context = await browser.NewContextAsync();
        var both = new SamplePage(await context.NewPageAsync());
        var other = new SamplePage(await context.NewPageAsync());
        await both.OpenAsync(host.PageUrl(news, sport));
        await other.OpenAsync(host.PageUrl(weather));

        // One connection per page, the first one on both channels.
        Assert.Equal([[news, sport], [weather]], host.Streams.Visits.Select(static visit => visit.Channels));

        // Each stream is ordered, so an event that leaked to the wrong page would show up before the ones after it.
        await host.Publisher.PublishAsync("weather 1", channel: weather);
        await host.Publisher.PublishAsync("news 1", channel: news);
        await host.Publisher.PublishAsync("sport 1", channel: sport);
        await host.Publisher.PublishAsync("weather 2", channel: weather);

        Assert.Equal([("message", "news 1"), ("message", "sport 1")], await both.EventsAsync(2));
        Assert.Equal([("message", "weather 1"), ("message", "weather 2")], await other.EventsAsync(2));
    }
}
