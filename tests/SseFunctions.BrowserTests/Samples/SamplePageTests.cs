using SseFunctions.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SseFunctions.BrowserTests.Samples;

[Collection(BrowserTestGroup.Name)]
public sealed class SamplePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_hello_button_publishes_a_greeting_that_every_open_page_shows()
    {
        await using var host = await SampleHost.StartAsync(browser.Redis);
        await using var context = await browser.NewContextAsync();
        var page = new SamplePage(await context.NewPageAsync());
        var otherTab = new SamplePage(await context.NewPageAsync());
        await page.OpenAsync(host.PageUrl());
        await otherTab.OpenAsync(host.PageUrl());

        await page.Page.ClickAsync("#hello");

        var greeting = Assert.Single(await page.EventsAsync(1));
        Assert.Equal("greeting", greeting.Type);
        Assert.Contains("Hello!", greeting.Data, StringComparison.Ordinal);
        Assert.Equal(greeting, Assert.Single(await otherTab.EventsAsync(1)));
        await Expect(page.State).ToHaveTextAsync("open");
        await SaveScreenshotAsync(page);
    }

    [Fact]
    public async Task A_refused_channel_shows_the_page_closed_with_the_servers_reason()
    {
        await using var host = await SampleHost.StartAsync(browser.Redis);
        await using var context = await browser.NewContextAsync();
        var page = new SamplePage(await context.NewPageAsync());

        await page.Page.GotoAsync(host.PageUrl("private-" + Guid.NewGuid().ToString("N")));

        await Expect(page.State).ToHaveAttributeAsync("data-state", "closed");
        await Expect(page.Page.Locator("#problem")).ToContainTextAsync("403");
        await SaveScreenshotAsync(page);
    }

    private static async Task SaveScreenshotAsync(SamplePage page, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        // A test artifact for a person to look at: under the output folder, never in the repository.
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", name + ".png");
        await page.Page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }
}
