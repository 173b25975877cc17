using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>What the sample page shows: its connection state and the events it listed.</summary>
public sealed class SamplePage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator State => Page.Locator("#state");

    public ILocator Events => Page.Locator("#events li[data-type]");

    /// <summary>Opens the page and waits until its own stream is open, so that what is published next reaches it.</summary>
    public async Task OpenAsync(string url)
    {
        await Page.GotoAsync(url);
        await Expect(State).ToHaveAttributeAsync("data-state", "open");
    }

    /// <summary>Waits until the page lists <paramref name="count"/> events, then returns them oldest first as (type, data).</summary>
    public async Task<IReadOnlyList<(string Type, string Data)>> EventsAsync(int count)
    {
        await Expect(Events).ToHaveCountAsync(count);
        var items = await Events.EvaluateAllAsync<string[][]>(
            "items => items.reverse().map(item => [item.dataset.type, item.querySelector('pre').textContent])");
        return [.. items.Select(static item => (item[0], item[1]))];
    }
}
