using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseFunctions.Events;
using SseFunctions.Tests.Infrastructure;
using StackExchange.Redis;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// A Flask-SSE app and this package share one Redis: each must understand what the other publishes, and a payload that
/// is no event must be ignored without harm.
/// </summary>
[Trait("Category", "Redis")]
public sealed class FlaskCompatibilityTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    public static TheoryData<string, string, string, string?, double?> FlaskEnvelopes => new()
    {
        // payload as Flask-SSE's json.dumps writes it; expected type, data, id, retry in milliseconds
        { """{"data": {"message": "Hello!"}, "type": "greeting"}""", "greeting", """{"message": "Hello!"}""", null, null },
        { """{"data": "just text"}""", SseParser.EventTypeDefault, "just text", null, null },
        { """{"data": [1, "two", 3.5]}""", SseParser.EventTypeDefault, """[1, "two", 3.5]""", null, null },
        { """{"data": 42}""", SseParser.EventTypeDefault, "42", null, null },
        { """{"data": null}""", SseParser.EventTypeDefault, "null", null, null },
        { """{"data": true, "type": "flag"}""", "flag", "true", null, null },
        { """{"data": "x", "type": "t", "id": "abc-1", "retry": 1500}""", "t", "x", "abc-1", 1500 },
        { """{"data": "numeric id", "id": 7}""", SseParser.EventTypeDefault, "numeric id", "7", null },
        { """{"data": "nulls", "type": null, "id": null, "retry": null}""", SseParser.EventTypeDefault, "nulls", null, null },
        { """{"retry": 250, "id": "first-keys-later", "data": "order does not matter"}""", SseParser.EventTypeDefault, "order does not matter", "first-keys-later", 250 },
        { """{"data": "line one\nline two"}""", SseParser.EventTypeDefault, "line one\nline two", null, null },
        { """{"data": "caf\u00e9 \ud83d\ude00"}""", SseParser.EventTypeDefault, "café 😀", null, null },
    };

    public static TheoryData<string> NotEnvelopes => new()
    {
        "garbage",
        "[1,2]",
        """{"type":"x"}""",
        """{"data": "x", "type": ["a", "list"]}""",
        """{"data": "x", "id": "line\nbreak"}""",
        """{"data": "x", "retry": "soon"}""",
        """{"data": "unterminated""",
        string.Empty,
        "\"a json string\"",
    };

    [Theory]
    [MemberData(nameof(FlaskEnvelopes))]
    public async Task An_envelope_published_by_flask_sse_straight_into_redis_arrives_as_an_event(
        string payload, string type, string data, string? id, double? retryMilliseconds)
    {
        // No retry hint of the stream's own, so that the parser's reconnection interval is the event's alone.
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, options => options.ReconnectInterval = null, environment: "Production");
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        var channel = $"flask-{Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        Assert.Equal(1, await probe.PublishRawAsync(channel, payload));
        var item = await stream.NextAsync();

        Assert.Equal(type, item.EventType);
        Assert.Equal(data, item.Data);
        Assert.Equal(id, item.EventId);
        Assert.Equal(retryMilliseconds is { } retry ? TimeSpan.FromMilliseconds(retry) : null, item.ReconnectionInterval);
    }

    [Theory]
    [MemberData(nameof(NotEnvelopes))]
    public async Task A_payload_that_is_no_envelope_is_ignored_with_a_warning_and_the_stream_goes_on(string payload)
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await SseTestHost.StartAsync(
            redis.Server.Url,
            environment: "Production",
            map: app => app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs));
        using var metrics = new MetricRecorder(host.Services);
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        var channel = $"junk-{Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        await probe.PublishRawAsync(channel, payload);
        await probe.PublishRawAsync(channel, """{"data": "next"}""");
        await host.Publisher.PublishAsync("and the next", channel: channel);

        Assert.Equal("next", (await stream.NextAsync()).Data);
        Assert.Equal("and the next", (await stream.NextAsync()).Data);
        Assert.False(stream.Ended.IsCompleted);
        Assert.Equal(1, metrics.Total("sse.envelopes.rejected"));
        var warning = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains(channel, StringComparison.Ordinal));
        Assert.Contains("not a Flask-SSE event", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_the_publisher_puts_on_redis_is_a_flask_sse_envelope_with_the_history_position_as_id()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        var channel = $"to-flask-{Guid.NewGuid():N}";
        await using var listener = await RawRedisListener.StartAsync(redis.Server, channel);
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        await host.Publisher.PublishAsync(new { message = "Hello!" }, type: "greeting", retry: 1000, channel: channel);
        using var envelope = JsonDocument.Parse(await listener.NextAsync());
        var item = await stream.NextAsync();

        var root = envelope.RootElement;
        Assert.Equal(["data", "type", "retry", "id"], root.EnumerateObject().Select(property => property.Name));
        Assert.Equal("Hello!", root.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal("greeting", root.GetProperty("type").GetString());
        Assert.Equal(1000, root.GetProperty("retry").GetInt32());
        Assert.True(EventPosition.TryParse(root.GetProperty("id").GetString(), out _));
        Assert.Equal(item.EventId, root.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Without_history_the_envelope_holds_exactly_the_fields_given()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, options => options.HistoryEnabled = false, environment: "Production");
        var channel = $"to-flask-{Guid.NewGuid():N}";
        await using var listener = await RawRedisListener.StartAsync(redis.Server, channel);

        await host.Publisher.PublishAsync("only data", channel: channel);
        int[] pair = [1, 2];
        await host.Publisher.PublishAsync(pair, type: "t", id: "id-1", retry: 5, channel: channel);
        await host.Publisher.PublishAsync(null, channel: channel);

        Assert.Equal("""{"data":"only data"}""", await listener.NextAsync());
        Assert.Equal("""{"data":[1,2],"type":"t","id":"id-1","retry":5}""", await listener.NextAsync());
        Assert.Equal("""{"data":null}""", await listener.NextAsync());
    }

    /// <summary>A plain Redis SUBSCRIBE of the test's own, as a Flask-SSE app's stream would listen.</summary>
    private sealed class RawRedisListener : IAsyncDisposable
    {
        private readonly RedisProbe _probe;
        private readonly System.Threading.Channels.Channel<string> _messages = System.Threading.Channels.Channel.CreateUnbounded<string>();

        private RawRedisListener(RedisProbe probe) => _probe = probe;

        public static async Task<RawRedisListener> StartAsync(RedisServer server, string channel)
        {
            var listener = new RawRedisListener(await RedisProbe.ConnectAsync(server));
            // The ordered queue, as a Flask-SSE stream reads one socket in order: a handler subscription runs concurrently.
            var messages = await listener._probe.Database.Multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
            messages.OnMessage(message => listener._messages.Writer.TryWrite(message.Message!));
            return listener;
        }

        public async Task<string> NextAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(SseTestClient.Patience);

        public ValueTask DisposeAsync() => _probe.DisposeAsync();
    }
}
