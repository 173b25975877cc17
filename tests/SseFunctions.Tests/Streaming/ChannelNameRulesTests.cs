using SseFunctions.Streaming;

namespace SseFunctions.Tests.Streaming;

public sealed class ChannelNameRulesTests
{
    private static readonly SseOptions Options = new();

    [Theory]
    [InlineData("sse")]
    [InlineData("news")]
    [InlineData("*")]
    [InlineData("?")]
    [InlineData("news.*")]
    [InlineData("news.[ab]?")]
    [InlineData("user:42/private")]
    [InlineData("with space")]
    [InlineData("caf\u00e9 \u4e2d \U0001F600")]
    [InlineData("\u00a0non-breaking space is printable")]
    public void Printable_names_are_valid_and_pattern_characters_are_literal(string channel)
    {
        Assert.Null(ChannelNameRules.Problem(channel, Options));
        ChannelNameRules.ThrowIfInvalid(channel, Options);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_empty_name_is_refused(string? channel)
    {
        Assert.Equal("A channel name must not be empty.", ChannelNameRules.Problem(channel, Options));
    }

    [Fact]
    public void A_name_of_the_maximum_length_is_valid_and_one_longer_is_refused()
    {
        var options = new SseOptions { MaxChannelNameLength = 8 };

        Assert.Null(ChannelNameRules.Problem(new string('c', 8), options));
        var problem = ChannelNameRules.Problem(new string('c', 9), options);

        Assert.Equal("The channel name is 9 characters long; at most 8 are allowed (Sse:MaxChannelNameLength).", problem);
    }

    [Fact]
    public void The_default_maximum_length_is_256()
    {
        Assert.Null(ChannelNameRules.Problem(new string('c', 256), Options));
        Assert.NotNull(ChannelNameRules.Problem(new string('c', 257), Options));
    }

    [Theory]
    [InlineData("\0", 0x00, 0)]
    [InlineData("a\tb", 0x09, 1)]
    [InlineData("ab\n", 0x0A, 2)]
    [InlineData("a\rb", 0x0D, 1)]
    [InlineData("a\u001b[31m", 0x1B, 1)]
    [InlineData("a\u001f", 0x1F, 1)]
    [InlineData("a\u007f", 0x7F, 1)]
    [InlineData("a\u0080", 0x80, 1)]
    [InlineData("a\u0085", 0x85, 1)]
    [InlineData("a\u009f", 0x9F, 1)]
    [InlineData("\u0085 and \n", 0x85, 0)]
    public void Control_characters_C0_and_C1_are_refused_naming_the_character_and_position(string channel, int code, int position)
    {
        var problem = ChannelNameRules.Problem(channel, Options);

        Assert.NotNull(problem);
        Assert.Contains($"control character (U+{code:X4}) at position {position}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    public void ThrowIfInvalid_names_the_channel_parameter(string channel)
    {
        var exception = Assert.Throws<ArgumentException>(() => ChannelNameRules.ThrowIfInvalid(channel, Options));

        Assert.Equal("channel", exception.ParamName);
        Assert.StartsWith(ChannelNameRules.Problem(channel, Options)!, exception.Message, StringComparison.Ordinal);
    }
}
