using Microsoft.AspNetCore.Http;

namespace SseFunctions;

/// <summary>Streams server-sent events from an HTTP request, for handlers that are not mapped with <c>MapSse</c>.</summary>
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
}
