using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using SseFunctions.Streaming;

namespace SseFunctions;

/// <summary>
/// Streams server-sent events for the request it is executed on: what <c>MapSse</c> serves, and what an Azure Functions
/// HTTP trigger returns (as an <see cref="IResult"/> or <see cref="IActionResult"/>) to stream with the same channel
/// rules, authorization hook, heartbeats, replay and lifetime.
/// </summary>
public sealed class SseStreamResult : IResult, IActionResult
{
    private readonly CancellationToken _cancellationToken;

    internal SseStreamResult(CancellationToken cancellationToken) => _cancellationToken = cancellationToken;

    /// <summary>Streams until the client leaves, the stream's maximum duration passes, the token fires or the app stops.</summary>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var handler = httpContext.RequestServices.GetService<SseStreamHandler>()
            ?? throw new InvalidOperationException(
                "SseFunctions is not registered in this application's services: call services.AddSse() " +
                "(builder.Services.AddSse() in Program.cs) before streaming.");
        return handler.HandleAsync(httpContext, _cancellationToken);
    }

    /// <inheritdoc cref="ExecuteAsync(HttpContext)"/>
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }
}
