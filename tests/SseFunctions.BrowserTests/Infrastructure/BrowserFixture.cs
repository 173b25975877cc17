using Microsoft.Playwright;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// One Chromium and one redis-server for all browser tests: starting a browser is the slow part, and each test gets a
/// fresh browser context (its own cookies, cache and connections) and a sample app of its own anyway.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // Debian's Chromium: the tests never download a browser.
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the browser tests need it (apt-get install -y chromium; .ci/run does this).");
        }

        Assertions.SetDefaultExpectTimeout((float)Waits.Generous.TotalMilliseconds);
        Redis = await RedisServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh context (a browser profile of its own); its waits are generous because the machine may be busy.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync();
        context.SetDefaultTimeout((float)Waits.Generous.TotalMilliseconds);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
