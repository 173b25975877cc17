using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SseFunctions;

/// <summary>
/// The answer to a publish made over HTTP with <see cref="SseHttpRequestExtensions.PublishSseAsync"/>: 200 with
/// <c>{"subscribers": n}</c>, or an error status with the reason as text. Works as an <see cref="IResult"/> (minimal
/// APIs) and as an <see cref="IActionResult"/> (Azure Functions with ASP.NET Core integration).
/// </summary>
public sealed class SsePublishResult : IResult, IActionResult
{
    internal SsePublishResult(int statusCode, long? subscribers, string? problem)
    {
        StatusCode = statusCode;
        Subscribers = subscribers;
        Problem = problem;
    }

    /// <summary>
    /// 200 when published; 400 for a malformed body or an invalid field, 413 for a body far larger than an event may be,
    /// 503 when the broker could not be reached.
    /// </summary>
    public int StatusCode { get; }

    /// <summary>How many subscribers the broker reported (processes listening on the channel), when published.</summary>
    public long? Subscribers { get; }

    /// <summary>Why the event was not published, or <see langword="null"/> when it was.</summary>
    public string? Problem { get; }

    /// <summary>Writes the status and the subscriber count as JSON, or the reason as text.</summary>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.Headers.CacheControl = "no-store";
        if (Problem is not null)
        {
            response.ContentType = "text/plain; charset=utf-8";
            return response.WriteAsync(Problem, httpContext.RequestAborted);
        }

        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"{{\"subscribers\":{Subscribers}}}"),
            httpContext.RequestAborted);
    }

    /// <inheritdoc cref="ExecuteAsync(HttpContext)"/>
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }
}
