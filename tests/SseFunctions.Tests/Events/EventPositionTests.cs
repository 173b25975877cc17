using SseFunctions.Events;

namespace SseFunctions.Tests.Events;

public sealed class EventPositionTests
{
    [Theory]
    [InlineData("0-0", 0L, 0L)]
    [InlineData("1-2", 1L, 2L)]
    [InlineData("1700000000000-42", 1700000000000L, 42L)]
    [InlineData("9223372036854775807-9223372036854775807", long.MaxValue, long.MaxValue)]
    public void A_position_id_parses(string text, long milliseconds, long sequence)
    {
        Assert.True(EventPosition.TryParse(text, out var position));
        Assert.Equal(new EventPosition(milliseconds, sequence), position);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1")]
    [InlineData("1-")]
    [InlineData("-1")]
    [InlineData("--1")]
    [InlineData("1--2")]
    [InlineData("1-2-3")]
    [InlineData("-1-2")]
    [InlineData("+1-2")]
    [InlineData("1-+2")]
    [InlineData(" 1-2")]
    [InlineData("1-2 ")]
    [InlineData("1 -2")]
    [InlineData("a-1")]
    [InlineData("1-a")]
    [InlineData("1.5-2")]
    [InlineData("0x1-2")]
    [InlineData("1,000-2")]
    [InlineData("\uff11-2")]
    [InlineData("9223372036854775808-0")]
    [InlineData("0-9223372036854775808")]
    [InlineData("my-id")]
    public void Anything_else_is_not_a_position(string text)
    {
        Assert.False(EventPosition.TryParse(text, out var position));
        Assert.Equal(default, position);
    }

    [Theory]
    [InlineData("0-0")]
    [InlineData("1700000000000-42")]
    [InlineData("9223372036854775807-9223372036854775807")]
    public void Formatting_gives_back_the_id(string text)
    {
        Assert.True(EventPosition.TryParse(text, out var position));
        Assert.Equal(text, position.ToString());
    }

    [Theory]
    [InlineData(1, 0, 2, 0, -1)]
    [InlineData(2, 0, 1, 999, 1)]
    [InlineData(5, 1, 5, 2, -1)]
    [InlineData(5, 10, 5, 9, 1)]
    [InlineData(5, 3, 5, 3, 0)]
    [InlineData(0, 0, 0, 1, -1)]
    public void Positions_compare_by_time_then_sequence(long leftMs, long leftSeq, long rightMs, long rightSeq, int expectedSign)
    {
        var left = new EventPosition(leftMs, leftSeq);
        var right = new EventPosition(rightMs, rightSeq);

        Assert.Equal(expectedSign, Math.Sign(left.CompareTo(right)));
        Assert.Equal(-expectedSign, Math.Sign(right.CompareTo(left)));
        Assert.Equal(expectedSign < 0, left < right);
        Assert.Equal(expectedSign > 0, left > right);
        Assert.Equal(expectedSign <= 0, left <= right);
        Assert.Equal(expectedSign >= 0, left >= right);
        Assert.Equal(expectedSign == 0, left == right);
    }

    [Fact]
    public void Zero_comes_before_every_assigned_position()
    {
        Assert.Equal(new EventPosition(0, 0), EventPosition.Zero);
        Assert.True(EventPosition.Zero < new EventPosition(0, 1));
        Assert.True(EventPosition.Zero < new EventPosition(1, 0));
    }

    [Fact]
    public void Sorting_orders_positions_numerically_not_as_text()
    {
        EventPosition[] positions = [new(10, 0), new(9, 5), new(10, 10), new(10, 9), new(100, 0)];

        Array.Sort(positions);

        Assert.Equal(["9-5", "10-0", "10-9", "10-10", "100-0"], positions.Select(position => position.ToString()));
    }
}
