using System.Collections.Immutable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;

namespace SseFunctions.Worker.Tests;

/// <summary>
/// Drives <c>builder.UseSseOutput()</c>'s middleware with a mocked <see cref="FunctionContext"/>, in front of a stand-in
/// for the worker's own OutputBindingsMiddleware and FunctionExecutionMiddleware.
/// </summary>
public sealed class SseOutputMiddlewareTests
{
    private readonly Mock<ISsePublisher> _publisher = new(MockBehavior.Strict);
    private readonly List<(object? Data, string? Type, string Channel, CancellationToken CancellationToken)> _published = [];
    private readonly Mock<IFunctionExecutor> _executor = new(MockBehavior.Strict);
    private readonly TestInvocationFeatures _features = new();
    private readonly ServiceCollection _services = new();
    private object? _returned;

    public SseOutputMiddlewareTests()
    {
        _publisher
            .Setup(publisher => publisher.PublishAsync(
                It.IsAny<object?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<int?>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((object? data, string? type, string? _, int? _, string channel, CancellationToken cancellationToken) =>
                _published.Add((data, type, channel, cancellationToken)))
            .ReturnsAsync(1);
        _executor
            .Setup(executor => executor.ExecuteAsync(It.IsAny<FunctionContext>()))
            .Returns((FunctionContext context) =>
            {
                context.GetInvocationResult().Value = _returned;
                return ValueTask.CompletedTask;
            });
        _services.AddSingleton(_publisher.Object);
        _services.AddSingleton(new SseOptions());
        _features.Set(BindingsFeature.Type, BindingsFeature.Create());
    }

    [Fact]
    public async Task A_function_without_SseOutput_runs_untouched()
    {
        _returned = "plain";
        var context = Context(nameof(SampleFunctions.Plain), returnBindingType: "http");

        await RunAsync(context);

        Assert.Null(_features.Get<IFunctionExecutor>());
        Assert.Equal("plain", context.GetInvocationResult().Value);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task A_return_value_is_published_and_then_cleared_so_nothing_unknown_reaches_the_host()
    {
        _returned = new { time = "12:00:05" };
        using var invocation = new CancellationTokenSource();
        var context = Context(nameof(SampleFunctions.Tick), returnBindingType: null, cancellationToken: invocation.Token);

        await RunAsync(context);

        var published = Assert.Single(_published);
        Assert.Equal((_returned, "time", "sse", invocation.Token), published);
        Assert.Null(context.GetInvocationResult().Value);
    }

    [Fact]
    public async Task A_return_value_another_binding_takes_is_published_and_kept_for_it()
    {
        _returned = "to the queue as well";
        var context = Context(nameof(SampleFunctions.Tick), returnBindingType: "queue");

        await RunAsync(context);

        Assert.Equal("to the queue as well", Assert.Single(_published).Data);
        Assert.Equal("to the queue as well", context.GetInvocationResult().Value);
    }

    [Fact]
    public async Task A_property_beside_HttpResult_is_published_although_the_output_bindings_took_the_result()
    {
        var output = new GreetingOutput { Response = new OkObjectResult("Message sent!"), Greeting = new { message = "Hello!" } };
        _returned = output;
        var context = Context(nameof(SampleFunctions.Hello), returnBindingType: null);

        await RunAsync(context, outputBindingsTakeResult: true);

        var published = Assert.Single(_published);
        Assert.Equal(("greeting", "sse"), (published.Type, published.Channel));
        Assert.Same(output.Greeting, published.Data);
        Assert.Null(context.GetInvocationResult().Value);
    }

    [Fact]
    public async Task An_executor_another_middleware_set_is_wrapped_and_still_runs()
    {
        _returned = "from the other executor";
        _features.Set(_executor.Object);
        var context = Context(nameof(SampleFunctions.Tick), returnBindingType: null, registerExecutor: false);

        await RunAsync(context);

        _executor.Verify(executor => executor.ExecuteAsync(context), Times.Once);
        Assert.Equal("from the other executor", Assert.Single(_published).Data);
    }

    [Fact]
    public async Task A_function_that_throws_publishes_nothing()
    {
        _executor
            .Setup(executor => executor.ExecuteAsync(It.IsAny<FunctionContext>()))
            .Returns((FunctionContext _) => ValueTask.FromException(new TimeoutException("The function failed.")));
        var context = Context(nameof(SampleFunctions.Tick), returnBindingType: null);

        await Assert.ThrowsAsync<TimeoutException>(() => RunAsync(context));

        Assert.Empty(_published);
    }

    [Fact]
    public async Task A_bad_attribute_fails_the_invocation_naming_the_function_before_it_runs()
    {
        var context = Context(nameof(SampleFunctions.EmptyChannel), returnBindingType: null);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(context));

        Assert.Contains($"Function '{nameof(SampleFunctions.EmptyChannel)}'", exception.Message, StringComparison.Ordinal);
        _executor.Verify(executor => executor.ExecuteAsync(It.IsAny<FunctionContext>()), Times.Never);
    }

    /// <summary>Runs the pipeline <c>UseSseOutput</c> builds, in front of what the worker's default middleware does.</summary>
    private async Task RunAsync(FunctionContext context, bool outputBindingsTakeResult = false)
    {
        Func<FunctionExecutionDelegate, FunctionExecutionDelegate>? middleware = null;
        var builder = new Mock<IFunctionsWorkerApplicationBuilder>(MockBehavior.Strict);
        builder.SetupGet(b => b.Services).Returns(_services);
        builder
            .Setup(b => b.Use(It.IsAny<Func<FunctionExecutionDelegate, FunctionExecutionDelegate>>()))
            .Callback((Func<FunctionExecutionDelegate, FunctionExecutionDelegate> use) => middleware = use)
            .Returns(builder.Object);
        builder.Object.UseSseOutput();
        await using var services = _services.BuildServiceProvider();
        context.InstanceServices = services;

        var pipeline = middleware!(async invocation =>
        {
            // FunctionExecutionMiddleware: the executor in the invocation's features, else the registered one.
            var executor = invocation.Features.Get<IFunctionExecutor>() ?? invocation.InstanceServices.GetRequiredService<IFunctionExecutor>();
            await executor.ExecuteAsync(invocation);

            // OutputBindingsMiddleware, for a return type with output-binding properties: they take the value, the result is null.
            if (outputBindingsTakeResult)
            {
                invocation.GetInvocationResult().Value = null;
            }
        });
        await pipeline(context);
    }

    private FunctionContext Context(string methodName, string? returnBindingType, bool registerExecutor = true, CancellationToken cancellationToken = default)
    {
        if (registerExecutor)
        {
            _services.AddSingleton(_executor.Object);
        }

        var outputBindings = ImmutableDictionary<string, BindingMetadata>.Empty;
        if (returnBindingType is not null)
        {
            var binding = new Mock<BindingMetadata>();
            binding.SetupGet(b => b.Name).Returns("$return");
            binding.SetupGet(b => b.Type).Returns(returnBindingType);
            outputBindings = outputBindings.Add("$return", binding.Object);
        }

        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Id).Returns($"id-{methodName}");
        definition.SetupGet(d => d.Name).Returns(methodName);
        definition.SetupGet(d => d.EntryPoint).Returns(SampleFunctions.EntryPoint(methodName));
        definition.SetupGet(d => d.PathToAssembly).Returns(typeof(SampleFunctions).Assembly.Location);
        definition.SetupGet(d => d.OutputBindings).Returns(outputBindings);

        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionId).Returns($"id-{methodName}");
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.Features).Returns(_features);
        context.SetupGet(c => c.CancellationToken).Returns(cancellationToken);
        context.SetupProperty(c => c.InstanceServices);
        return context.Object;
    }
}
