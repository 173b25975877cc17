using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SseFunctions.BrowserTests.Infrastructure;

namespace SseFunctions.BrowserTests.Streaming;

[Collection(BrowserTestGroup.Name)]
public sealed class EventDeliveryTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly string _channel = "delivery-" + Guid.NewGuid().ToString("N");
    private SampleHost _host = null!;
    private IBrowserContext _context = null!;
    private EventSourceProbe _probe = null!;

    public async Task InitializeAsync()
    {
        _host = await SampleHost.StartAsync(browser.Redis);
        _context = await browser.NewContextAsync();
        var page = await _context.NewPageAsync();
        await page.GotoAsync(_host.PageUrl());
        _probe = await EventSourceProbe.OpenAsync(page, "stream?channel=" + _channel, "greeting", "order-shipped");
        await _probe.WaitUntilAsync("log => log.some(e => e.listener === 'onopen')", "the open event");
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Typed_events_reach_their_listener_and_untyped_events_reach_onmessage()
    {
        await _host.Publisher.PublishAsync("hi", type: "greeting", channel: _channel);
        await _host.Publisher.PublishAsync("no type", channel: _channel);
        await _host.Publisher.PublishAsync("42", type: "order-shipped", channel: _channel);

        await _probe.WaitForMessagesAsync(3);
        var messages = await _probe.MessagesAsync();
        Assert.Equal(
            [("greeting", "greeting", "hi"), ("onmessage", "message", "no type"), ("order-shipped", "order-shipped", "42")],
            messages.Select(static message => (message.Listener, message.Type, message.Data)));
        Assert.All(messages, static message => Assert.False(string.IsNullOrEmpty(message.LastEventId)));
    }

    [Fact]
    public async Task Json_data_round_trips()
    {
        var order = new { id = 17, customer = "Ada", lines = new[] { new { sku = "A-1", quantity = 2 } }, paid = true, note = (string?)null };

        await _host.Publisher.PublishAsync(order, channel: _channel);

        await _probe.WaitForMessagesAsync(1);
        var received = JsonNode.Parse(Assert.Single(await _probe.MessagesAsync()).Data!);
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse("""{"id":17,"customer":"Ada","lines":[{"sku":"A-1","quantity":2}],"paid":true,"note":null}"""), received),
            $"The browser got {received?.ToJsonString()}");
    }

    [Fact]
    public async Task Multi_line_data_arrives_with_its_line_breaks()
    {
        // The browser joins data lines with LF, whatever ended them when published.
        await _host.Publisher.PublishAsync("first\nsecond\r\nthird\rfourth", channel: _channel);
        await _host.Publisher.PublishAsync("\nblank lines\n\nkept\n", channel: _channel);

        await _probe.WaitForMessagesAsync(2);
        Assert.Equal(
            ["first\nsecond\nthird\nfourth", "\nblank lines\n\nkept\n"],
            (await _probe.MessagesAsync()).Select(static message => message.Data));
    }

    [Fact]
    public async Task Unicode_arrives_intact()
    {
        const string Text = "Grüße aus Köln · 東京 · Ελληνικά · שלום · emoji 🎉👩🏽‍💻🇪🇺 · 𝄞";

        await _host.Publisher.PublishAsync(Text, type: "greeting", channel: _channel);
        await _host.Publisher.PublishAsync(new { text = Text }, channel: _channel);

        await _probe.WaitForMessagesAsync(2);
        var messages = await _probe.MessagesAsync();
        Assert.Equal(Text, messages[0].Data);
        Assert.Equal(Text, JsonNode.Parse(messages[1].Data!)!["text"]!.GetValue<string>());
    }
}
