using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;
using SseFunctions.Publishing;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Publishing;

/// <summary>A publish endpoint in one line, <c>req.PublishSseAsync(token)</c>: the functions sample's <c>POST /api/publish</c>.</summary>
public sealed class HttpPublishHandlerTests : IDisposable
{
    private readonly Mock<ISsePublisher> _publisher = new(MockBehavior.Strict);
    private readonly SseOptions _options = new();
    private readonly CapturingLoggerProvider _log = new();

    [Fact]
    public async Task A_valid_body_is_published_and_answered_with_the_subscriber_count()
    {
        _publisher
            .Setup(publisher => publisher.PublishAsync("Hello!", "greeting", null, 1500, "news", It.IsAny<CancellationToken>()))
            .ReturnsAsync(3);
        var context = Context("""{"data": "Hello!", "type": "greeting", "retry": 1500, "channel": "news"}""");

        var result = await context.Request.PublishSseAsync();
        await result.ExecuteAsync(context);

        Assert.Equal((200, 3L, (string?)null), (result.StatusCode, result.Subscribers, result.Problem));
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal("""{"subscribers":3}""", ResponseText(context));
    }

    [Fact]
    public async Task A_bad_field_is_answered_with_400_and_the_reason_and_nothing_is_published()
    {
        var context = Context("""{"data": "x", "retry": "soon"}""");

        var result = await context.Request.PublishSseAsync();
        await result.ExecuteAsync(context);

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", context.Response.ContentType);
        Assert.Contains("'retry' must be a whole number", ResponseText(context), StringComparison.Ordinal);
        Assert.Null(result.Subscribers);
    }

    [Fact]
    public async Task A_value_the_publisher_refuses_is_answered_with_400_and_its_reason()
    {
        _publisher
            .Setup(publisher => publisher.PublishAsync(It.IsAny<object?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<int?>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ArgumentException("A channel name must not be empty.", "channel"));

        var result = await Context("""{"data": "x", "channel": ""}""").Request.PublishSseAsync();

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("must not be empty", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_is_answered_with_503_and_a_fixed_text_and_the_log_keeps_the_detail()
    {
        _publisher
            .Setup(publisher => publisher.PublishAsync(It.IsAny<object?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<int?>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SseBrokerUnavailableException("Redis at cache.internal:6380 did not answer within 5 s."));

        var result = await Context("""{"data": "x"}""").Request.PublishSseAsync();

        Assert.Equal((503, HttpPublishHandler.UnavailableProblem), (result.StatusCode, result.Problem));
        Assert.DoesNotContain("cache.internal", result.Problem, StringComparison.Ordinal);
        var logged = Assert.Single(_log.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("cache.internal:6380", logged.Exception?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_far_larger_than_an_event_may_be_is_refused_with_413(bool declaresLength)
    {
        _options.MaxEventSize = 100;
        var context = Context($$"""{"data": "{{new string('x', 2000)}}"}""");
        if (!declaresLength)
        {
            context.Request.ContentLength = null;
        }

        var result = await context.Request.PublishSseAsync();

        Assert.Equal(413, result.StatusCode);
        Assert.Contains("Sse:MaxEventSize", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_an_action_result_it_writes_the_same_answer()
    {
        var context = Context("{}");
        var result = await context.Request.PublishSseAsync();

        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Contains("no 'data' field", ResponseText(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_AddSse_the_error_says_what_to_register()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Request.PublishSseAsync());

        Assert.Contains("AddSse()", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_HTTP_the_event_reaches_a_stream_and_the_answer_counts_its_subscriber()
    {
        await using var host = await SseTestHost.StartAsync(
            redisUrl: null,
            map: app => app.MapPost("/publish", (HttpRequest req, CancellationToken cancellationToken) => req.PublishSseAsync(cancellationToken)));
        await using var stream = await host.OpenStreamAsync("?channel=posted");

        using var published = await host.Client.PostAsJsonAsync(
            new Uri("/publish", UriKind.Relative),
            new { data = new { message = "Hello!" }, type = "greeting", channel = "posted" });
        using var refused = await host.Client.PostAsync(
            new Uri("/publish", UriKind.Relative),
            new StringContent("""{"data": "x", "id": "7"}""", Encoding.UTF8, "application/json"));
        var item = await stream.NextAsync();

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subscribers").GetInt64());
        Assert.Equal(("greeting", """{"message":"Hello!"}"""), (item.EventType, item.Data));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("history", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _log.Dispose();

    private DefaultHttpContext Context(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection()
                .AddSingleton(_publisher.Object)
                .AddSingleton(_options)
                .AddLogging(logging => logging.AddProvider(_log))
                .BuildServiceProvider(),
        };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string ResponseText(HttpContext context) =>
        Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
