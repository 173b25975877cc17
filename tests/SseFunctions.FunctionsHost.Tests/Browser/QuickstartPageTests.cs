using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using SseFunctions.BrowserTests.Infrastructure;
using SseFunctions.FunctionsHost.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SseFunctions.FunctionsHost.Tests.Browser;

/// <summary>The quickstart as a user meets it: Chromium on the page the <c>Index</c> function serves, through the test host.</summary>
public sealed partial class QuickstartPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Say_hello_shows_the_greeting_and_the_clock_ticks_with_each_run_of_the_timer()
    {
        await using var host = await SampleApp.StartAsync(browser.Redis);
        using var client = host.CreateClient();
        await using var context = await browser.NewContextAsync();
        var page = new SamplePage(await context.NewPageAsync());
        await page.OpenAsync(new Uri(host.BaseAddress, "api/index").ToString());

        await page.Page.ClickAsync("#hello");

        await Expect(page.Page.Locator("#sent")).ToHaveTextAsync("Message sent!");
        var greeting = Assert.Single(await page.EventsAsync(1));
        Assert.Equal(("greeting", """{"message":"Hello!"}"""), greeting);

        // The worker schedules no timers (the host does): each tick here is the host running Time by hand.
        var clock = page.Page.Locator("#clock");
        await Expect(clock).ToBeHiddenAsync();
        await RunTimeAsync(client);
        await Expect(clock).ToHaveTextAsync(ClockText());
        var first = await clock.TextContentAsync();

        // Time publishes the time to the second: run it again in the next second, so that the tick must show.
        await Task.Delay(TimeSpan.FromMilliseconds(1050 - DateTime.UtcNow.Millisecond));
        await RunTimeAsync(client);
        await Expect(clock).Not.ToHaveTextAsync(first!);
        await Expect(clock).ToHaveTextAsync(ClockText());
    }

    private static async Task RunTimeAsync(HttpClient client)
    {
        using var invoked = await client.PostAsync("admin/functions/Time", JsonContent.Create(new { input = string.Empty }));
        Assert.Equal(HttpStatusCode.Accepted, invoked.StatusCode);
    }

    [GeneratedRegex(@"^server time \d\d:\d\d:\d\d UTC$")]
    private static partial Regex ClockText();
}
