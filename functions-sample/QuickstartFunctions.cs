using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SseFunctions;

namespace FunctionsSample;

/// <summary>
/// Flask-SSE's quickstart as functions: the stream, a publish endpoint, <c>/hello</c>, a clock published by a timer,
/// and the page that shows them all.
/// </summary>
public static class QuickstartFunctions
{
    /// <summary><c>GET /api/stream?channel=…</c>: the <c>EventSource</c> endpoint, Flask-SSE's <c>/stream</c>.</summary>
    [Function(nameof(Stream))]
    public static IActionResult Stream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stream")] HttpRequest req,
        FunctionContext context) =>
        req.StreamSse(context.CancellationToken);

    /// <summary>
    /// <c>POST /api/publish</c> with <c>{"data": …, "type"?, "id"?, "retry"?, "channel"?}</c>: publishes one event and
    /// answers with the subscriber count, or 400 with the reason. Needs a function key once deployed.
    /// </summary>
    [Function(nameof(Publish))]
    public static Task<SsePublishResult> Publish(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "publish")] HttpRequest req,
        FunctionContext context) =>
        req.PublishSseAsync(context.CancellationToken);

    /// <summary><c>GET /api/hello</c>: publishes a greeting and answers "Message sent!", as Flask-SSE's quickstart does.</summary>
    [Function(nameof(Hello))]
    public static HelloOutput Hello(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hello")] HttpRequest req) =>
        new()
        {
            Greeting = new { message = "Hello!" },
            Response = new OkObjectResult("Message sent!"),
        };

    /// <summary>Every 5 seconds: publishes the server time as a <c>time</c> event, which the page shows as a clock.</summary>
    [Function(nameof(Time))]
    [SseOutput(Type = "time")]
    public static object Time([TimerTrigger("*/5 * * * * *")] TimerInfo timer) =>
        new { time = DateTimeOffset.UtcNow.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) };

    /// <summary>
    /// <c>GET /api/index</c>: the quickstart page. Its relative URLs (<c>stream</c>, <c>hello</c>) resolve to the
    /// functions above.
    /// </summary>
    [Function(nameof(Index))]
    public static IActionResult Index(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "index")] HttpRequest req) =>
        new PhysicalFileResult(Path.Combine(AppContext.BaseDirectory, "wwwroot", "index.html"), "text/html; charset=utf-8");
}
