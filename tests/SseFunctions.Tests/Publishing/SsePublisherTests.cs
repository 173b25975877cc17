using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using SseFunctions.Publishing;

namespace SseFunctions.Tests.Publishing;

public sealed class SsePublisherTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Mock<ISseBroker> _broker = new(MockBehavior.Strict);
    private readonly List<(string Channel, byte[] Envelope, bool AppendToHistory)> _published = [];

    public SsePublisherTests()
    {
        _broker
            .Setup(broker => broker.PublishAsync(It.IsAny<string>(), It.IsAny<byte[]>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Callback((string channel, byte[] envelope, bool appendToHistory, CancellationToken _) => _published.Add((channel, envelope, appendToHistory)))
            .ReturnsAsync(new PublishReceipt(3, "1700000000000-0"));
    }

    public static TheoryData<string?, string> BadChannels => new()
    {
        { string.Empty, "empty" },
        { null, "empty" },
        { "news\nfeed", "control character" },
        { "news\u0085", "control character" },
        { new string('c', 257), "Sse:MaxChannelNameLength" },
    };

    [Theory]
    [MemberData(nameof(BadChannels))]
    public async Task A_bad_channel_is_refused_naming_channel_and_nothing_is_published(string? channel, string reason)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync("x", channel: channel!));

        Assert.Equal("channel", exception.ParamName);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.Empty(_published);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    public async Task A_type_with_a_line_break_is_refused_naming_type(string type)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync("x", type: type));

        Assert.Equal("type", exception.ParamName);
        Assert.Empty(_published);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\0b")]
    public async Task An_id_with_CR_LF_or_NUL_is_refused_naming_id(string id)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(
            () => Publisher(options => options.HistoryEnabled = false).PublishAsync("x", id: id));

        Assert.Equal("id", exception.ParamName);
        Assert.Contains("CR, LF or NUL", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task A_negative_retry_is_refused_naming_retry()
    {
        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(() => Publisher().PublishAsync("x", retry: -1));

        Assert.Equal("retry", exception.ParamName);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task A_caller_id_while_history_is_enabled_is_refused_with_the_reason()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync("x", id: "42"));

        Assert.Equal("id", exception.ParamName);
        Assert.Contains("Sse:HistoryEnabled", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Last-Event-ID", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task With_history_disabled_the_caller_id_is_published_in_a_closed_envelope()
    {
        await Publisher(options => options.HistoryEnabled = false).PublishAsync("x", "greeting", "my-id", 1500, "news");

        var (channel, envelope, appendToHistory) = Assert.Single(_published);
        Assert.Equal("news", channel);
        Assert.False(appendToHistory);
        Assert.True(EnvelopeDecoder.TryDecode(envelope, out var decoded, out var problem), problem);
        Assert.Equal(new SseEnvelope("x", "greeting", "my-id", 1500), decoded);
    }

    [Fact]
    public async Task With_history_enabled_an_open_envelope_is_sent_for_the_broker_to_append_to_history()
    {
        await Publisher().PublishAsync(new { Message = "Hello!" }, type: "greeting", retry: 100, channel: "news");

        var (channel, envelope, appendToHistory) = Assert.Single(_published);
        Assert.Equal("news", channel);
        Assert.True(appendToHistory);
        Assert.Equal(EnvelopeEncoder.EncodeOpen(new { Message = "Hello!" }, "greeting", 100, JsonSerializerOptions.Web), envelope);
        Assert.True(EnvelopeDecoder.TryDecode(EnvelopeEncoder.Close(envelope, new EventPosition(1, 0)), out var decoded, out var problem), problem);
        Assert.Equal(new SseEnvelope("{\"message\":\"Hello!\"}", "greeting", "1-0", 100, new EventPosition(1, 0)), decoded);
    }

    [Fact]
    public async Task The_default_channel_is_sse()
    {
        await Publisher().PublishAsync("x");

        Assert.Equal("sse", Assert.Single(_published).Channel);
    }

    [Fact]
    public async Task The_subscriber_count_the_broker_reports_is_returned()
    {
        var receivers = await Publisher().PublishAsync("x");

        Assert.Equal(3, receivers);
    }

    [Fact]
    public async Task The_cancellation_token_reaches_the_broker()
    {
        using var cancellation = new CancellationTokenSource();
        var broker = new Mock<ISseBroker>();
        broker
            .Setup(mock => mock.PublishAsync("sse", It.IsAny<byte[]>(), true, cancellation.Token))
            .ReturnsAsync(new PublishReceipt(0, "1-0"));

        await Publisher(broker.Object).PublishAsync("x", cancellationToken: cancellation.Token);

        broker.Verify(mock => mock.PublishAsync("sse", It.IsAny<byte[]>(), true, cancellation.Token), Times.Once);
    }

    [Fact]
    public async Task An_event_over_the_default_64_KiB_is_refused_naming_the_setting()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync(new string('x', 64 * 1024)));

        Assert.Equal("data", exception.ParamName);
        Assert.Contains("Sse:MaxEventSize", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task An_event_well_under_the_default_limit_is_published()
    {
        await Publisher().PublishAsync(new string('x', 60 * 1024));

        Assert.Single(_published);
    }

    [Fact]
    public async Task A_configured_limit_counts_the_bytes_of_the_encoded_envelope()
    {
        // {"data":"…"} is the data plus 11 bytes; without history nothing is added to it later.
        var publisher = Publisher(options =>
        {
            options.HistoryEnabled = false;
            options.MaxEventSize = 100;
        });

        await publisher.PublishAsync(new string('x', 89));
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(new string('x', 90)));

        Assert.Equal(100, Assert.Single(_published).Envelope.Length);
        Assert.Equal("data", exception.ParamName);
        Assert.Contains("101 bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Sse:MaxEventSize (100)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_history_the_limit_leaves_room_for_the_id_the_broker_appends()
    {
        var publisher = Publisher(options => options.MaxEventSize = 100);

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(new string('x', 89)));

        Assert.Contains("Sse:MaxEventSize", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task A_value_with_a_reference_cycle_is_refused_naming_data()
    {
        var node = new Node();
        node.Next = node;

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync(node));

        Assert.Equal("data", exception.ParamName);
        Assert.Contains("cannot be serialized as JSON", exception.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(exception.InnerException);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task A_value_System_Text_Json_does_not_support_is_refused_naming_data()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync(typeof(string)));

        Assert.Equal("data", exception.ParamName);
        Assert.IsType<NotSupportedException>(exception.InnerException);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task Null_data_is_published_as_JSON_null()
    {
        await Publisher(options => options.HistoryEnabled = false).PublishAsync(null);

        Assert.Equal("{\"data\":null}"u8.ToArray(), Assert.Single(_published).Envelope);
    }

    [Fact]
    public async Task The_configured_JSON_options_serialize_the_data()
    {
        var publisher = Publisher(options =>
        {
            options.HistoryEnabled = false;
            options.JsonSerializerOptions = new JsonSerializerOptions();
        });

        await publisher.PublishAsync(new { Message = "Hi" });

        Assert.Equal("{\"data\":{\"Message\":\"Hi\"}}"u8.ToArray(), Assert.Single(_published).Envelope);
    }

    public void Dispose() => _services.Dispose();

    private SsePublisher Publisher(Action<SseOptions>? configure = null) => Publisher(_broker.Object, configure);

    private SsePublisher Publisher(ISseBroker broker, Action<SseOptions>? configure = null)
    {
        var options = new SseOptions();
        configure?.Invoke(options);
        return new SsePublisher(broker, options, new SseMetrics(_services.GetRequiredService<IMeterFactory>()));
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}
