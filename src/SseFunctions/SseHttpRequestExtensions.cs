using Microsoft.AspNetCore.Http;
using SseFunctions.Publishing;

namespace SseFunctions;

/// <summary>
/// Streams server-sent events from an HTTP request, for handlers that are not mapped with <c>MapSse</c>, and publishes
/// the event a request body describes.
/// </summary>
public static class SseHttpRequestExtensions
{
    /// <summary>
    /// Returns the result that streams this request's channels (<c>?channel=</c>, repeatable; default <c>sse</c>).
    /// In an Azure Functions HTTP trigger: <c>return req.StreamSse(context.CancellationToken);</c>
    /// </summary>
    /// <param name="request">The request to answer with a stream.</param>
    /// <param name="cancellationToken">Ends the stream too, for example the function invocation's token.</param>
    public static SseStreamResult StreamSse(this HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SseStreamResult(cancellationToken);
    }

    /// <summary>
    /// Publishes the event this request's JSON body describes, <c>{"data": …, "type"?, "id"?, "retry"?, "channel"?}</c>
    /// (Flask-SSE's <c>publish</c> arguments), and returns the answer: 200 with the subscriber count, or 400 with the
    /// reason for a malformed body or an invalid field. Anyone who can call the endpoint can publish to any channel:
    /// protect it (in Azure Functions, <c>AuthorizationLevel.Function</c> or stronger).
    /// </summary>
    /// <param name="request">The request whose body describes the event.</param>
    /// <param name="cancellationToken">Cancels reading the body and waiting for the broker.</param>
    public static Task<SsePublishResult> PublishSseAsync(this HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpPublishHandler.HandleAsync(request, cancellationToken);
    }
}
