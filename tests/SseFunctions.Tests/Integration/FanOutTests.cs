using System.Net.ServerSentEvents;
using System.Text.Json;
using SseFunctions.Events;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// Which events reach which streams, and in what form, end to end: publisher, broker, fan-out, Kestrel, SseParser.
/// Run once over Redis and once over the in-memory broker, which must behave the same.
/// </summary>
public abstract class FanOutTests
{
    protected abstract Task<SseTestHost> StartHostAsync(Action<SseOptions>? configure = null);

    [Fact]
    public async Task A_published_event_reaches_a_stream_on_its_channel_with_event_stream_headers()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("news");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        var receivers = await host.Publisher.PublishAsync(new { message = "Hello!" }, type: "greeting", channel: channel);
        var item = await stream.NextAsync();

        Assert.Equal(1, receivers);
        Assert.Equal("greeting", item.EventType);
        Assert.Equal("{\"message\":\"Hello!\"}", item.Data);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", stream.Response.Content.Headers.ContentType?.CharSet);
        Assert.True(stream.Response.Headers.CacheControl?.NoCache);
        Assert.Equal("no", Assert.Single(stream.Response.Headers.GetValues("X-Accel-Buffering")));
    }

    [Fact]
    public async Task A_stream_without_a_channel_listens_to_the_default_channel()
    {
        await using var host = await StartHostAsync();
        await using var stream = await host.OpenStreamAsync();

        await host.Publisher.PublishAsync("on the default channel");

        Assert.Equal("on the default channel", (await stream.NextAsync()).Data);
    }

    [Fact]
    public async Task Each_stream_gets_exactly_the_events_of_its_own_channels_in_publish_order()
    {
        await using var host = await StartHostAsync();
        var (a, b, c) = (Unique("a"), Unique("b"), Unique("c"));
        await using var onA = await host.OpenStreamAsync($"?channel={a}");
        await using var onB = await host.OpenStreamAsync($"?channel={b}");
        await using var onBoth = await host.OpenStreamAsync($"?channel={a}&channel={b}");

        string[] order = [a, b, c, a, a, b, c, b, a, b, c, a];
        var published = new List<(string Channel, string Data)>();
        for (var i = 0; i < order.Length; i++)
        {
            var data = $"{order[i]}:{i}";
            var receivers = await host.Publisher.PublishAsync(data, channel: order[i]);
            published.Add((order[i], data));

            // One subscription per channel per process, however many streams listen; nobody listens to c.
            Assert.Equal(order[i] == c ? 0 : 1, receivers);
        }

        Assert.Equal(DataOn(published, a), await ReadDataAsync(onA, DataOn(published, a).Count));
        Assert.Equal(DataOn(published, b), await ReadDataAsync(onB, DataOn(published, b).Count));
        Assert.Equal(DataOn(published, a, b), await ReadDataAsync(onBoth, DataOn(published, a, b).Count));

        // Anything delivered by mistake was queued before these, so it would come first.
        await host.Publisher.PublishAsync("sync", channel: a);
        await host.Publisher.PublishAsync("sync", channel: b);
        Assert.Equal(["sync"], await ReadDataAsync(onA, 1));
        Assert.Equal(["sync"], await ReadDataAsync(onB, 1));
        Assert.Equal(["sync", "sync"], await ReadDataAsync(onBoth, 2));
    }

    [Fact]
    public async Task Every_stream_on_a_channel_gets_every_event_in_order()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("many");
        var streams = new List<SseTestClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                streams.Add(await host.OpenStreamAsync($"?channel={channel}"));
            }

            var expected = Enumerable.Range(0, 30).Select(i => $"event {i}").ToList();
            foreach (var data in expected)
            {
                Assert.Equal(1, await host.Publisher.PublishAsync(data, channel: channel));
            }

            foreach (var stream in streams)
            {
                Assert.Equal(expected, await ReadDataAsync(stream, expected.Count));
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Events_of_several_channels_on_one_stream_arrive_interleaved_in_publish_order()
    {
        await using var host = await StartHostAsync();
        var channels = Enumerable.Range(0, 4).Select(i => Unique($"mix{i}")).ToArray();
        await using var stream = await host.OpenStreamAsync("?" + string.Join('&', channels.Select(channel => $"channel={channel}")));

        var random = new Random(42);
        var expected = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var channel = channels[random.Next(channels.Length)];
            var data = $"{channel}:{i}";
            await host.Publisher.PublishAsync(data, channel: channel);
            expected.Add(data);
        }

        Assert.Equal(expected, await ReadDataAsync(stream, expected.Count));
    }

    [Fact]
    public async Task Type_and_json_data_arrive_as_published_with_increasing_history_positions_as_ids()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("typed");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        string[] items = ["tea", "cake"];
        await host.Publisher.PublishAsync(new { order = 1, items, paid = true }, type: "order", channel: channel);
        await host.Publisher.PublishAsync(new { order = 2, items = Array.Empty<string>(), paid = false }, type: "order", channel: channel);
        var first = await stream.NextAsync();
        var second = await stream.NextAsync();

        Assert.Equal("order", first.EventType);
        Assert.Equal("{\"order\":1,\"items\":[\"tea\",\"cake\"],\"paid\":true}", first.Data);
        Assert.Equal("{\"order\":2,\"items\":[],\"paid\":false}", second.Data);
        Assert.True(EventPosition.TryParse(first.EventId, out var firstPosition), first.EventId);
        Assert.True(EventPosition.TryParse(second.EventId, out var secondPosition), second.EventId);
        Assert.True(secondPosition > firstPosition, $"{second.EventId} should follow {first.EventId}");
    }

    [Fact]
    public async Task An_event_without_a_type_is_a_message_event()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("untyped");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        await host.Publisher.PublishAsync("plain", channel: channel);

        Assert.Equal(SseParser.EventTypeDefault, (await stream.NextAsync()).EventType);
    }

    [Fact]
    public async Task Data_of_every_json_kind_arrives_as_json_and_string_data_verbatim()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("kinds");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        object?[] values = [42, 2.5, true, null, new[] { 1, 2, 3 }, "{\"not\": \"parsed\"}", "  spaced  "];
        foreach (var value in values)
        {
            await host.Publisher.PublishAsync(value, channel: channel);
        }

        Assert.Equal(
            ["42", "2.5", "true", "null", "[1,2,3]", "{\"not\": \"parsed\"}", "  spaced  "],
            await ReadDataAsync(stream, values.Length));
    }

    [Fact]
    public async Task Multi_line_data_split_on_cr_lf_and_crlf_arrives_as_lines_and_empty_data_still_dispatches()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("lines");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        await host.Publisher.PublishAsync("one\ntwo\r\nthree\rfour", channel: channel);
        await host.Publisher.PublishAsync("ends with a break\n", channel: channel);
        await host.Publisher.PublishAsync("\r\n\r\n", channel: channel);
        await host.Publisher.PublishAsync(string.Empty, type: "empty", channel: channel);
        await host.Publisher.PublishAsync("after", channel: channel);

        Assert.Equal("one\ntwo\nthree\nfour", (await stream.NextAsync()).Data);
        Assert.Equal("ends with a break\n", (await stream.NextAsync()).Data);
        Assert.Equal("\n\n", (await stream.NextAsync()).Data);
        var empty = await stream.NextAsync();
        Assert.Equal(("empty", string.Empty), (empty.EventType, empty.Data));
        Assert.Equal("after", (await stream.NextAsync()).Data);
    }

    [Fact]
    public async Task Unicode_in_type_and_data_arrives_intact()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("unicode");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");
        const string text = "Zürich ☃ 中文 😀 \u2028 end";

        await host.Publisher.PublishAsync(text, type: "grüße", channel: channel);
        await host.Publisher.PublishAsync(new { text }, channel: channel);
        var plain = await stream.NextAsync();
        var json = await stream.NextAsync();

        Assert.Equal(("grüße", text), (plain.EventType, plain.Data));
        using var document = JsonDocument.Parse(json.Data);
        Assert.Equal(text, document.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_retry_hint_reaches_the_client_after_the_streams_own()
    {
        await using var host = await StartHostAsync(options => options.ReconnectInterval = TimeSpan.FromMilliseconds(2500));
        var channel = Unique("retry");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        await host.Publisher.PublishAsync("before", channel: channel);
        await stream.NextAsync();
        var opening = stream.ReconnectionInterval;
        await host.Publisher.PublishAsync("with retry", retry: 3456, channel: channel);
        var item = await stream.NextAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(2500), opening);
        Assert.Equal(TimeSpan.FromMilliseconds(3456), item.ReconnectionInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(3456), stream.ReconnectionInterval);
    }

    [Fact]
    public async Task Ids_chosen_by_the_publisher_arrive_when_history_is_disabled()
    {
        await using var host = await StartHostAsync(options => options.HistoryEnabled = false);
        var channel = Unique("ids");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        await host.Publisher.PublishAsync("first", id: "order-42", channel: channel);
        await host.Publisher.PublishAsync("second", id: "7", type: "t", retry: 100, channel: channel);
        var first = await stream.NextAsync();
        var second = await stream.NextAsync();

        Assert.Equal(("order-42", "first"), (first.EventId, first.Data));
        Assert.Equal(("7", "second", "t"), (second.EventId, second.Data, second.EventType));
        Assert.Equal(TimeSpan.FromMilliseconds(100), second.ReconnectionInterval);
    }

    [Fact]
    public async Task An_event_close_to_the_size_limit_arrives_whole()
    {
        await using var host = await StartHostAsync();
        var channel = Unique("large");
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");
        var data = string.Concat(Enumerable.Range(0, 6000).Select(i => $"{i % 10}abcdefghi"));

        await host.Publisher.PublishAsync(data, channel: channel);

        Assert.Equal(data, (await stream.NextAsync()).Data);
    }

    protected static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    protected static async Task<List<string>> ReadDataAsync(SseTestClient stream, int count)
    {
        var data = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            data.Add((await stream.NextAsync()).Data);
        }

        return data;
    }

    private static List<string> DataOn(List<(string Channel, string Data)> published, params string[] channels) =>
        [.. published.Where(item => channels.Contains(item.Channel)).Select(item => item.Data)];
}
