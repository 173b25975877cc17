using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;
using SseFunctions.FunctionsHost.Tests.Infrastructure;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Quickstart;

/// <summary>
/// <c>functions-sample</c>'s functions in its real worker, called through the test host as the Functions host would
/// call them: HTTP through the forwarder, the timer through the admin endpoint.
/// </summary>
public sealed class QuickstartFunctionsTests(SampleWorkerFixture sample) : IClassFixture<SampleWorkerFixture>, IDisposable
{
    private readonly HttpClient _client = sample.Host.CreateClient();

    [Fact]
    public void The_host_loads_every_function_of_the_sample()
    {
        Assert.Empty(sample.Host.Refusals);
        Assert.Equal(["Hello", "Index", "Publish", "Stream", "Time"], sample.Host.Functions.Select(static function => function.Name).Order());
        Assert.Equal("localhost", new Uri(sample.Host.Capabilities["HttpUri"]).Host);
    }

    [Fact]
    public async Task The_stream_answers_through_the_forwarder_with_its_headers_and_the_opening_comment_at_once()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/stream?channel=" + Channel());
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(SseTestClient.Patience);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("X-Accel-Buffering")));

        // Nothing is published: what arrives is the opening comment, and it must not wait in any buffer on the way.
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256];
        var read = await body.ReadAsync(buffer).AsTask().WaitAsync(SseTestClient.Patience);
        Assert.StartsWith(":", Encoding.UTF8.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hello_answers_and_its_greeting_reaches_an_open_stream()
    {
        await using var stream = await Streams.OpenAsync(_client, "api/stream");

        using var hello = await _client.GetAsync("api/hello");

        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        Assert.Equal("Message sent!", await hello.Content.ReadAsStringAsync());
        var greeting = await stream.NextAsync();
        Assert.Equal("greeting", greeting.EventType);
        Assert.Equal("""{"message":"Hello!"}""", greeting.Data);
        Assert.Equal(StatusResult.Types.Status.Success, (await sample.Host.Invocation(hello).AnswerAsync(SseTestClient.Patience)).Result.Status);
    }

    [Fact]
    public async Task The_timer_publishes_its_time_and_sends_the_host_no_return_value()
    {
        await using var stream = await Streams.OpenAsync(_client, "api/stream");

        using var invoked = await _client.PostAsync("admin/functions/Time", JsonContent.Create(new { input = string.Empty }));

        Assert.Equal(HttpStatusCode.Accepted, invoked.StatusCode);
        var time = await stream.NextAsync();
        Assert.Equal("time", time.EventType);
        Assert.Matches("""^\{"time":"\d\d:\d\d:\d\d UTC"\}$""", time.Data);
        var answer = await sample.Host.Invocation(invoked).AnswerAsync(SseTestClient.Patience);
        Assert.Equal(StatusResult.Types.Status.Success, answer.Result.Status);
        Assert.Null(answer.ReturnValue);
        Assert.Empty(answer.OutputData);
    }

    [Fact]
    public async Task Publish_answers_200_with_the_subscriber_count_and_the_event_reaches_the_stream()
    {
        var channel = Channel();
        await using var stream = await Streams.OpenAsync(_client, "api/stream?channel=" + channel);

        using var published = await _client.PostAsync("api/publish", JsonContent.Create(new { data = new { message = "Hi from curl" }, type = "greeting", channel }));

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await published.Content.ReadAsStringAsync()).RootElement.GetProperty("subscribers").GetInt64());
        var greeting = await stream.NextAsync();
        Assert.Equal(("greeting", """{"message":"Hi from curl"}"""), (greeting.EventType, greeting.Data));
    }

    [Fact]
    public async Task Publish_answers_400_with_the_reason_for_a_body_that_is_no_event()
    {
        using var published = await _client.PostAsync("api/publish", new StringContent("""{"type": "greeting"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, published.StatusCode);
        Assert.Contains("data", await published.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_answers_413_with_the_reason_for_a_body_far_larger_than_an_event()
    {
        var data = new string('x', 300_000);

        using var published = await _client.PostAsync("api/publish", JsonContent.Create(new { data }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, published.StatusCode);
        Assert.Contains("Sse:MaxEventSize", await published.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_takes_posts_only()
    {
        using var answer = await _client.GetAsync("api/publish");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
    }

    [Fact]
    public async Task Index_serves_the_quickstart_page()
    {
        using var page = await _client.GetAsync("api/index");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Contains("<title>SseFunctions quickstart</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_leaves_gets_its_invocation_cancelled_and_the_stream_invocation_ends_promptly()
    {
        var stream = await Streams.OpenAsync(_client, "api/stream?channel=" + Channel());
        var invocation = sample.Host.Invocation(stream.Response);
        Assert.False(invocation.Answered);

        await stream.DisposeAsync();

        var answer = await invocation.AnswerAsync(TimeSpan.FromSeconds(10));
        Assert.True(invocation.CancelSent);
        Assert.NotEqual(StatusResult.Types.Status.Failure, answer.Result.Status);
    }

    public void Dispose() => _client.Dispose();

    private static string Channel() => "test-" + Guid.NewGuid().ToString("N");
}
