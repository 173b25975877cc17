using System.Net;
using System.Net.Http.Json;
using SseFunctions.FunctionsHost.Tests.Host;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;
using SseFunctions.FunctionsHost.Tests.Infrastructure;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Pipeline;

/// <summary>
/// <c>UseSseOutput()</c> in worker pipelines put together as users might: called twice, called before
/// <c>ConfigureFunctionsWebApplication()</c>, followed by a middleware that swaps the executor. Each runs the real
/// worker of <c>tests/SseFunctions.PipelineApp</c> with its <c>PIPELINE</c> setting.
/// </summary>
public sealed class UseSseOutputPipelineTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Called_twice_it_publishes_each_event_once()
    {
        await using var host = await StartAsync("UseSseOutputTwice");
        using var client = host.CreateClient();
        await using var stream = await Streams.OpenAsync(client, "api/stream");

        using var hello = await client.GetAsync("api/hello");
        await PublishMarkerAsync(client);

        Assert.Equal("Message sent!", await hello.Content.ReadAsStringAsync());
        Assert.Equal("greeting", (await stream.NextAsync()).EventType);
        Assert.Equal("marker", (await stream.NextAsync()).EventType);
    }

    [Theory]
    [InlineData("Sample")]
    [InlineData("UseSseOutputFirst")]
    public async Task Before_or_after_ConfigureFunctionsWebApplication_the_greeting_is_published(string pipeline)
    {
        await using var host = await StartAsync(pipeline);
        using var client = host.CreateClient();
        await using var stream = await Streams.OpenAsync(client, "api/stream");

        using var hello = await client.GetAsync("api/hello");

        Assert.Equal("Message sent!", await hello.Content.ReadAsStringAsync());
        var greeting = await stream.NextAsync();
        Assert.Equal(("greeting", """{"message":"Hello!"}"""), (greeting.EventType, greeting.Data));
    }

    [Theory]
    [InlineData("Sample")]
    [InlineData("UseSseOutputFirst")]
    public async Task Before_or_after_ConfigureFunctionsWebApplication_a_failed_publish_fails_the_request_instead_of_following_its_response(string pipeline)
    {
        await using var host = await StartAsync(pipeline);
        using var client = host.CreateClient();

        using var oversized = await client.GetAsync("api/oversized");

        Assert.Equal(HttpStatusCode.InternalServerError, oversized.StatusCode);
        Assert.DoesNotContain("Message sent!", await oversized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var answer = await host.Invocation(oversized).AnswerAsync(SseTestClient.Patience);
        Assert.Equal(StatusResult.Types.Status.Failure, answer.Result.Status);
        Assert.Contains("Function 'Oversized'", answer.Result.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_middleware_that_replaces_the_executor_fails_the_invocation_naming_the_function_instead_of_publishing_nothing()
    {
        await using var host = await StartAsync("ExecutorReplaced");
        using var client = host.CreateClient();
        await using var stream = await Streams.OpenAsync(client, "api/stream");

        using var hello = await client.GetAsync("api/hello");
        await PublishMarkerAsync(client);

        var answer = await host.Invocation(hello).AnswerAsync(SseTestClient.Patience);
        Assert.Equal(StatusResult.Types.Status.Failure, answer.Result.Status);
        Assert.Contains("Function 'Hello': [SseOutput] published nothing", answer.Result.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("SseFunctions.PipelineApp.PassThroughExecutor", answer.Result.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("marker", (await stream.NextAsync()).EventType);
    }

    private Task<FunctionsTestHost> StartAsync(string pipeline) =>
        SampleApp.StartAsync(FunctionApps.Pipeline, _redis, new Dictionary<string, string?> { ["PIPELINE"] = pipeline });

    /// <summary>An event published after the one under test: once it arrives, anything the test published before it has too.</summary>
    private static async Task PublishMarkerAsync(HttpClient client)
    {
        using var published = await client.PostAsync("api/publish", JsonContent.Create(new { data = "after", type = "marker" }));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
    }
}
