using System.Net.ServerSentEvents;
using System.Text;
using SseFunctions.Events;
using SseFunctions.Framing;

namespace SseFunctions.Tests.Framing;

public sealed class SseFrameEncoderTests
{
    public static TheoryData<string> TrickyData => new()
    {
        string.Empty,
        " ",
        " leading space",
        "  two leading spaces",
        "trailing space ",
        "\n",
        "\r",
        "\r\n",
        "\n\n",
        "\r\r",
        "\n\r",
        "\r\r\n",
        "\r\n\r\n",
        "\nleading break",
        "trailing break\n",
        "trailing cr\r",
        "a\r\nb\rc\nd",
        "a\n\n\nb",
        ": looks like a comment",
        "data: looks like a field",
        "id: 5\nevent: injected\nretry: 1",
        "{\"json\": [1, 2, {\"nested\": \"x\\ny\"}]}",
        "tab\there",
        "caf\u00e9 \u4e2d\u6587 \U0001F600",
        "\u2028 and \u2029 and \u0085 are not SSE line breaks",
        "line one\r\n line two with a leading space",
    };

    [Theory]
    [InlineData("a\r\nb", "data: a\ndata: b\n\n")]
    [InlineData("a\rb", "data: a\ndata: b\n\n")]
    [InlineData("a\nb", "data: a\ndata: b\n\n")]
    [InlineData("a\rb\nc\r\nd", "data: a\ndata: b\ndata: c\ndata: d\n\n")]
    [InlineData("a\n", "data: a\ndata: \n\n")]
    [InlineData("\na", "data: \ndata: a\n\n")]
    [InlineData("\r\n\r\n", "data: \ndata: \ndata: \n\n")]
    [InlineData("\n\r", "data: \ndata: \ndata: \n\n")]
    [InlineData("\r\r\n", "data: \ndata: \ndata: \n\n")]
    [InlineData("a\n\nb", "data: a\ndata: \ndata: b\n\n")]
    [InlineData("a\r", "data: a\ndata: \n\n")]
    public void Data_is_split_on_CR_LF_and_CRLF_into_one_data_line_each(string data, string expected)
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope(data, null, null, null));

        Assert.Equal(expected, Encoding.UTF8.GetString(frame.Bytes));
    }

    [Fact]
    public void Empty_data_still_yields_exactly_one_data_line()
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope(string.Empty, null, null, null));

        Assert.Equal("data: \n\n", Encoding.UTF8.GetString(frame.Bytes));
        var item = Assert.Single(Parse(frame.Bytes));
        Assert.Equal(string.Empty, item.Data);
    }

    [Fact]
    public void A_leading_space_in_data_survives_parsing()
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope(" indented\n  more", null, null, null));

        var item = Assert.Single(Parse(frame.Bytes));
        Assert.Equal(" indented\n  more", item.Data);
    }

    [Fact]
    public void Frames_are_UTF8_without_a_byte_order_mark()
    {
        const string data = "caf\u00e9 \u4e2d \U0001F600";

        var frame = SseFrameEncoder.Encode(new SseEnvelope(data, "t\u00ebst", null, null));

        Assert.False(frame.Bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.Equal("event: t\u00ebst\ndata: " + data + "\n\n", new UTF8Encoding(false, true).GetString(frame.Bytes));
        Assert.True(frame.Bytes.AsSpan().IndexOf("\U0001F600"u8) >= 0, "the emoji is encoded as four UTF-8 bytes");
        var item = Assert.Single(Parse(frame.Bytes));
        Assert.Equal(data, item.Data);
        Assert.Equal("t\u00ebst", item.EventType);
    }

    [Fact]
    public void Fields_are_written_event_data_id_retry_then_a_blank_line()
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope("one\ntwo", "greeting", "1700000000000-3", 2500));

        Assert.Equal(
            "event: greeting\ndata: one\ndata: two\nid: 1700000000000-3\nretry: 2500\n\n",
            Encoding.UTF8.GetString(frame.Bytes));
        var item = Assert.Single(Parse(frame.Bytes, out var parser));
        Assert.Equal("greeting", item.EventType);
        Assert.Equal("one\ntwo", item.Data);
        Assert.Equal("1700000000000-3", item.EventId);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), parser.ReconnectionInterval);
    }

    [Fact]
    public void Absent_fields_write_no_line()
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope("x", null, null, null));

        Assert.Equal("data: x\n\n", Encoding.UTF8.GetString(frame.Bytes));
        Assert.Null(frame.Position);
    }

    [Fact]
    public void An_id_the_package_wrote_gives_the_frame_its_position_and_is_sent_as_plain_text()
    {
        var payload = Encoding.UTF8.GetBytes("{\"data\":\"x\",\"id\":\"1700000000000\\u002d42\"}");

        Assert.True(SseFrameEncoder.TryDecode(payload, 1024, out var frame, out var problem), problem);

        Assert.Equal(new EventPosition(1700000000000, 42), frame.Position);
        Assert.Equal("1700000000000-42", Assert.Single(Parse(frame.Bytes)).EventId);
    }

    [Theory]
    [InlineData("{\"data\":\"x\",\"id\":\"99999999999999-0\"}")]
    [InlineData("{\"data\": \"x\", \"id\": \"1700000000000-42\"}")]
    public void A_position_shaped_id_another_program_wrote_is_passed_on_and_orders_nothing(string payload)
    {
        Assert.True(SseFrameEncoder.TryDecode(Encoding.UTF8.GetBytes(payload), 1024, out var frame, out var problem), problem);

        Assert.Null(frame.Position);
        Assert.Matches("^[0-9]+-[0-9]+$", Assert.Single(Parse(frame.Bytes)).EventId);
    }

    [Fact]
    public void A_message_larger_than_the_event_size_limit_is_refused_saying_so()
    {
        var payload = Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', 100) + "\"}");

        Assert.False(SseFrameEncoder.TryDecode(payload, 64, out _, out var problem));
        Assert.Contains("Sse:MaxEventSize", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("my-id")]
    [InlineData("1-2-3")]
    [InlineData("-1")]
    public void An_id_that_is_not_a_position_is_written_but_gives_no_position(string id)
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope("x", null, id, null));

        Assert.Null(frame.Position);
        Assert.Equal(id, Assert.Single(Parse(frame.Bytes)).EventId);
    }

    [Fact]
    public void Control_events_carry_no_id_line()
    {
        var bytes = SseFrameEncoder.EncodeControl("sse-missed", "{\"lastEventId\":\"1-0\",\"reason\":\"expired\"}", retry: null);

        Assert.Equal("event: sse-missed\ndata: {\"lastEventId\":\"1-0\",\"reason\":\"expired\"}\n\n", Encoding.UTF8.GetString(bytes));
        var item = Assert.Single(Parse(bytes));
        Assert.Null(item.EventId);
    }

    [Fact]
    public void Control_events_split_data_and_write_retry_in_milliseconds()
    {
        var bytes = SseFrameEncoder.EncodeControl("hello", "a\r\nb", TimeSpan.FromSeconds(1.5));

        Assert.Equal("event: hello\ndata: a\ndata: b\nretry: 1500\n\n", Encoding.UTF8.GetString(bytes));
        Assert.DoesNotContain("id:", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TrickyData))]
    public void Parsing_a_frame_gives_back_the_data_with_line_breaks_normalized_to_LF(string data)
    {
        var frame = SseFrameEncoder.Encode(new SseEnvelope(data, "type", "1-1", null));

        var item = Assert.Single(Parse(frame.Bytes));
        Assert.Equal(data.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'), item.Data);
        Assert.Equal("type", item.EventType);
        Assert.Equal("1-1", item.EventId);
    }

    [Fact]
    public void Consecutive_frames_parse_as_separate_events()
    {
        var first = SseFrameEncoder.Encode(new SseEnvelope("one\n", "a", null, null)).Bytes;
        var second = SseFrameEncoder.Encode(new SseEnvelope(string.Empty, null, null, null)).Bytes;

        var items = Parse([.. first, .. second]);

        Assert.Equal(2, items.Count);
        Assert.Equal(("a", "one\n"), (items[0].EventType, items[0].Data));
        Assert.Equal(("message", string.Empty), (items[1].EventType, items[1].Data));
    }

    [Fact]
    public void The_heartbeat_is_a_comment_that_parses_to_no_event()
    {
        Assert.Equal(": heartbeat\n\n", Encoding.UTF8.GetString(SseFrame.Heartbeat.Bytes));
        Assert.Empty(Parse(SseFrame.Heartbeat.Bytes));
        Assert.Null(SseFrame.Heartbeat.Position);
    }

    private static List<SseItem<string>> Parse(byte[] bytes) => Parse(bytes, out _);

    private static List<SseItem<string>> Parse(byte[] bytes, out SseParser<string> parser)
    {
        parser = SseParser.Create(new MemoryStream(bytes));
        return [.. parser.Enumerate()];
    }
}
