using SseFunctions.Output;

namespace SseFunctions.Tests.Output;

public sealed class SseOutputPlanTests
{
    [Theory]
    [InlineData(nameof(SampleFunctions.Plain))]
    [InlineData(nameof(SampleFunctions.PlainOutput))]
    public void A_function_without_SseOutput_anywhere_has_no_plan(string methodName)
    {
        Assert.Null(Plan(methodName));
    }

    [Fact]
    public void SseOutput_on_the_method_publishes_the_return_value()
    {
        var plan = Plan(nameof(SampleFunctions.Tick))!;

        Assert.Equal("Fn", plan.FunctionName);
        Assert.Equal("time", plan.MethodOutput?.Type);
        Assert.Equal("sse", plan.MethodOutput?.Channel);
        Assert.Empty(plan.PropertyOutputs);
    }

    [Theory]
    [InlineData(nameof(SampleFunctions.HeadlineAsync))]
    [InlineData(nameof(SampleFunctions.MessageAsync))]
    public void A_method_returning_a_task_of_a_value_publishes_that_value(string methodName)
    {
        Assert.NotNull(Plan(methodName)?.MethodOutput);
    }

    [Theory]
    [InlineData(nameof(SampleFunctions.Hello))]
    [InlineData(nameof(SampleFunctions.HelloAsync))]
    public void SseOutput_on_properties_of_the_return_type_publishes_those_properties_only(string methodName)
    {
        var plan = Plan(methodName)!;

        Assert.Null(plan.MethodOutput);
        Assert.Collection(
            plan.PropertyOutputs,
            greeting =>
            {
                Assert.Equal(nameof(GreetingOutput.Greeting), greeting.Property.Name);
                Assert.Equal("greeting", greeting.Attribute.Type);
            },
            audit =>
            {
                Assert.Equal(nameof(GreetingOutput.Audit), audit.Property.Name);
                Assert.Equal("audit", audit.Attribute.Channel);
            });
    }

    [Fact]
    public void An_empty_channel_fails_naming_the_function()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(nameof(SampleFunctions.EmptyChannel)));

        Assert.Contains("Function 'Fn'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Channel", exception.Message, StringComparison.Ordinal);
        Assert.Contains("must not be empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_channel_on_a_property_fails_naming_the_function_and_the_property()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(nameof(SampleFunctions.BadProperty)));

        Assert.Contains("Function 'Fn'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("BadChannelOutput.Value", exception.Message, StringComparison.Ordinal);
        Assert.Contains("control character", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_longer_than_the_setting_allows_fails()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            Plan(nameof(SampleFunctions.HeadlineAsync), new SseOptions { MaxChannelNameLength = 3 }));

        Assert.Contains("Sse:MaxChannelNameLength", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_with_a_line_break_fails_naming_the_function()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(nameof(SampleFunctions.BrokenType)));

        Assert.Contains("Function 'Fn'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("invalid Type", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(SampleFunctions.Nothing))]
    [InlineData(nameof(SampleFunctions.NothingAsync))]
    [InlineData(nameof(SampleFunctions.NothingValueAsync))]
    public void SseOutput_on_a_method_that_returns_nothing_fails(string methodName)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(methodName));

        Assert.Contains("returns none", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(SampleFunctions.ActionResult))]
    [InlineData(nameof(SampleFunctions.MinimalResultAsync))]
    public void SseOutput_on_a_method_that_returns_the_HTTP_response_fails_pointing_to_HttpResult(string methodName)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(methodName));

        Assert.Contains("[HttpResult]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SseOutput_on_the_method_and_on_properties_of_its_return_type_fails()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(nameof(SampleFunctions.Both)));

        Assert.Contains("GreetingOutput.Greeting", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_without_a_public_getter_fails()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Plan(nameof(SampleFunctions.WriteOnly)));

        Assert.Contains("WriteOnlyOutput.Value", exception.Message, StringComparison.Ordinal);
        Assert.Contains("public getter", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("http", true)]
    [InlineData("Http", true)]
    [InlineData("queue", false)]
    [InlineData("blob", false)]
    public void The_result_is_cleared_unless_another_return_binding_takes_it(string? returnBindingType, bool clears)
    {
        Assert.Equal(clears, SseOutputPlan.ClearsResult(returnBindingType));
    }

    private static SseOutputPlan? Plan(string methodName, SseOptions? options = null) =>
        SseOutputPlan.Create("Fn", SampleFunction.Method(methodName), options ?? new SseOptions());
}
