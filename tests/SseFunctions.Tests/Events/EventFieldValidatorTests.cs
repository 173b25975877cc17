using SseFunctions.Events;

namespace SseFunctions.Tests.Events;

public sealed class EventFieldValidatorTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", "", 0)]
    [InlineData("greeting", "1700000000000-1", 1000)]
    [InlineData("with space and caf\u00e9", "tab\tis fine", int.MaxValue)]
    public void Valid_fields_pass(string? type, string? id, int? retry)
    {
        EventFieldValidator.ThrowIfInvalid(type, id, retry);

        Assert.Null(EventFieldValidator.TypeProblem(type));
        Assert.Null(EventFieldValidator.IdProblem(id));
        Assert.Null(EventFieldValidator.RetryProblem(retry));
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\r\n")]
    [InlineData("\n")]
    public void A_type_with_CR_or_LF_is_refused_naming_type(string type)
    {
        var exception = Assert.Throws<ArgumentException>(() => EventFieldValidator.ThrowIfInvalid(type, null, null));

        Assert.Equal("type", exception.ParamName);
        Assert.Contains("event type", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\0b")]
    [InlineData("\0")]
    public void An_id_with_CR_LF_or_NUL_is_refused_naming_id(string id)
    {
        var exception = Assert.Throws<ArgumentException>(() => EventFieldValidator.ThrowIfInvalid(null, id, null));

        Assert.Equal("id", exception.ParamName);
        Assert.Contains("event id", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_in_a_type_is_allowed_because_only_ids_are_ignored_for_it()
    {
        EventFieldValidator.ThrowIfInvalid("a\0b", null, null);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_negative_retry_is_refused_naming_retry(int retry)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => EventFieldValidator.ThrowIfInvalid(null, null, retry));

        Assert.Equal("retry", exception.ParamName);
        Assert.Contains("milliseconds", exception.Message, StringComparison.Ordinal);
    }
}
