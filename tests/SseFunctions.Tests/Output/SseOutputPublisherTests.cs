using System.Text.Json.Nodes;
using Moq;
using SseFunctions.Output;

namespace SseFunctions.Tests.Output;

public sealed class SseOutputPublisherTests
{
    private readonly Mock<ISsePublisher> _publisher = new(MockBehavior.Strict);
    private readonly List<Published> _published = [];

    public SseOutputPublisherTests()
    {
        _publisher
            .Setup(publisher => publisher.PublishAsync(
                It.IsAny<object?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<int?>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((object? data, string? type, string? id, int? retry, string channel, CancellationToken cancellationToken) =>
                _published.Add(new Published(data, type, id, retry, channel, cancellationToken)))
            .ReturnsAsync(1);
    }

    [Fact]
    public void A_plan_is_found_from_the_function_entry_point_and_cached_by_function_id()
    {
        var outputs = Outputs();

        var first = outputs.FindPlan("id-1", "Tick", SampleFunction.EntryPoint(nameof(SampleFunctions.Tick)), SampleFunction.AssemblyPath);
        var again = outputs.FindPlan("id-1", "Tick", SampleFunction.EntryPoint(nameof(SampleFunctions.Hello)), SampleFunction.AssemblyPath);
        var other = outputs.FindPlan("id-2", "Hello", SampleFunction.EntryPoint(nameof(SampleFunctions.Hello)), SampleFunction.AssemblyPath);

        Assert.NotNull(first);
        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal("Hello", other?.FunctionName);
    }

    [Theory]
    [InlineData(nameof(SampleFunctions.Plain))]
    [InlineData("NoSuchMethod")]
    public void A_function_that_publishes_nothing_or_is_no_method_of_the_app_has_no_plan(string methodName)
    {
        Assert.Null(Outputs().FindPlan("id", "Fn", SampleFunction.EntryPoint(methodName), SampleFunction.AssemblyPath));
    }

    [Fact]
    public void A_bad_attribute_fails_every_invocation_not_only_the_first()
    {
        var outputs = Outputs();
        var entryPoint = SampleFunction.EntryPoint(nameof(SampleFunctions.EmptyChannel));

        var first = Assert.Throws<InvalidOperationException>(() => outputs.FindPlan("id", "Broken", entryPoint, SampleFunction.AssemblyPath));
        var second = Assert.Throws<InvalidOperationException>(() => outputs.FindPlan("id", "Broken", entryPoint, SampleFunction.AssemblyPath));

        Assert.Contains("Function 'Broken'", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task A_returned_object_is_published_as_data_with_the_attribute_type_and_channel()
    {
        var data = new { time = "12:00:05" };
        using var cancellation = new CancellationTokenSource();

        var count = await Outputs().PublishAsync(Plan(nameof(SampleFunctions.HeadlineAsync)), data, cancellation.Token);

        Assert.Equal(1, count);
        var published = Assert.Single(_published);
        Assert.Same(data, published.Data);
        Assert.Equal("headline", published.Type);
        Assert.Equal("news", published.Channel);
        Assert.Null(published.Id);
        Assert.Null(published.Retry);
        Assert.Equal(cancellation.Token, published.CancellationToken);
    }

    [Fact]
    public async Task A_null_return_value_publishes_nothing()
    {
        var count = await Outputs().PublishAsync(Plan(nameof(SampleFunctions.Tick)), null, CancellationToken.None);

        Assert.Equal(0, count);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task An_SseMessage_sets_its_own_fields_over_the_attribute()
    {
        var message = new SseMessage("payload", Type: "alert", Id: "7", Retry: 1500, Channel: "ops");

        await Outputs().PublishAsync(Plan(nameof(SampleFunctions.HeadlineAsync)), message, CancellationToken.None);

        Assert.Equal(new Published("payload", "alert", "7", 1500, "ops", CancellationToken.None), Assert.Single(_published));
    }

    [Fact]
    public async Task An_SseMessage_without_type_or_channel_takes_the_attribute_ones()
    {
        await Outputs().PublishAsync(Plan(nameof(SampleFunctions.HeadlineAsync)), new SseMessage(42), CancellationToken.None);

        Assert.Equal(new Published(42, "headline", null, null, "news", CancellationToken.None), Assert.Single(_published));
    }

    [Fact]
    public async Task A_collection_publishes_one_event_per_item_in_order_skipping_nulls()
    {
        object?[] items = ["first", null, new SseMessage("second", Type: "special"), new[] { 1, 2 }];

        var count = await Outputs().PublishAsync(Plan(nameof(SampleFunctions.Tick)), items, CancellationToken.None);

        Assert.Equal(3, count);
        Assert.Collection(
            _published,
            first => Assert.Equal(("first", "time"), (first.Data, first.Type)),
            second => Assert.Equal(("second", "special"), (second.Data, second.Type)),
            nested => Assert.Equal([1, 2], Assert.IsType<int[]>(nested.Data)));
    }

    public static TheoryData<object> SingleValues => new()
    {
        "a string is text, not a sequence of characters",
        new byte[] { 1, 2, 3 },
        new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 },
        new SortedList<string, int> { ["a"] = 1 },
        new JsonObject { ["a"] = 1 },
        new System.Collections.Hashtable { ["a"] = 1 },
    };

    [Theory]
    [MemberData(nameof(SingleValues))]
    public async Task A_value_JSON_writes_as_one_value_is_one_event(object value)
    {
        var count = await Outputs().PublishAsync(Plan(nameof(SampleFunctions.Tick)), value, CancellationToken.None);

        Assert.Equal(1, count);
        Assert.Same(value, Assert.Single(_published).Data);
    }

    [Fact]
    public async Task Property_values_are_published_each_with_its_own_attribute()
    {
        var output = new GreetingOutput
        {
            Response = "Message sent!",
            Greeting = new { message = "Hello!" },
            Audit = [new SseMessage("hello sent"), new SseMessage("bye", Channel: "elsewhere")],
        };

        var count = await Outputs().PublishAsync(Plan(nameof(SampleFunctions.Hello)), output, CancellationToken.None);

        Assert.Equal(3, count);
        Assert.Collection(
            _published,
            greeting => Assert.Equal((output.Greeting, "greeting", "sse"), (greeting.Data, greeting.Type, greeting.Channel)),
            audit => Assert.Equal(("hello sent", (string?)null, "audit"), (audit.Data, audit.Type, audit.Channel)),
            moved => Assert.Equal(("bye", "elsewhere"), (moved.Data, moved.Channel)));
    }

    [Fact]
    public async Task Null_properties_and_a_null_result_publish_nothing()
    {
        var outputs = Outputs();
        var plan = Plan(nameof(SampleFunctions.Hello));

        var none = await outputs.PublishAsync(plan, null, CancellationToken.None);
        var empty = await outputs.PublishAsync(plan, new GreetingOutput { Response = "only the response" }, CancellationToken.None);

        Assert.Equal(0, none + empty);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task An_invalid_event_fails_naming_the_function_and_where_it_came_from()
    {
        _publisher
            .Setup(publisher => publisher.PublishAsync(
                It.IsAny<object?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<int?>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ArgumentException("The event type must not contain CR or LF.", "type"));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Outputs().PublishAsync(Plan(nameof(SampleFunctions.Hello)), new GreetingOutput { Greeting = "hi" }, CancellationToken.None));

        Assert.Contains("Function 'Fn'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("GreetingOutput.Greeting", exception.Message, StringComparison.Ordinal);
        Assert.Contains("CR or LF", exception.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(exception.InnerException);
    }

    [Fact]
    public async Task An_unreachable_broker_fails_the_invocation_and_stops_publishing()
    {
        var calls = 0;
        _publisher
            .Setup(publisher => publisher.PublishAsync(
                It.IsAny<object?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<int?>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => calls++)
            .ThrowsAsync(new SseBrokerUnavailableException("Redis is down."));

        await Assert.ThrowsAsync<SseBrokerUnavailableException>(() =>
            Outputs().PublishAsync(Plan(nameof(SampleFunctions.Tick)), new List<string> { "a", "b" }, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    private static SseOutputPlan Plan(string methodName) =>
        SseOutputPlan.Create("Fn", SampleFunction.Method(methodName), new SseOptions())
        ?? throw new InvalidOperationException($"{methodName} publishes nothing.");

    private SseOutputPublisher Outputs() => new(_publisher.Object, new SseOptions());

    private sealed record Published(object? Data, string? Type, string? Id, int? Retry, string Channel, CancellationToken CancellationToken);
}
