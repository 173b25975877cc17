using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SseFunctions.Publishing;

/// <summary>
/// Publishes the event a request body describes (<see cref="PublishRequest"/>) and says how it went, for a publish
/// endpoint such as the functions sample's <c>POST /api/publish</c>.
/// </summary>
internal static partial class HttpPublishHandler
{
    /// <summary>
    /// What a client is told when the broker failed: never the exception's text, which names the Redis host and port.
    /// The log has it.
    /// </summary>
    public const string UnavailableProblem =
        "The event broker (Redis) is unreachable or did not answer within Sse:PublishTimeout. The event was not acknowledged: " +
        "it may or may not be delivered. Try again shortly; the server's log names the cause.";

    public static async Task<SsePublishResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var services = request.HttpContext.RequestServices;
        var publisher = services.GetService<ISsePublisher>()
            ?? throw new InvalidOperationException(
                "SseFunctions is not registered in this application's services: call services.AddSse() " +
                "(builder.Services.AddSse() in Program.cs) before publishing.");
        var options = services.GetRequiredService<SseOptions>();

        // Room for any formatting of an event that fits Sse:MaxEventSize once encoded; beyond it, stop reading.
        var limit = (options.MaxEventSize * 4L) + 1024;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var body = new ArrayBufferWriter<byte>(4096);
        int read;
        while ((read = await request.Body.ReadAsync(body.GetMemory(4096), cancellationToken).ConfigureAwait(false)) > 0)
        {
            body.Advance(read);
            if (body.WrittenCount > limit)
            {
                return TooLarge(limit);
            }
        }

        if (PublishRequest.Parse(body.WrittenMemory, out var problem) is not { } publish)
        {
            return new SsePublishResult(StatusCodes.Status400BadRequest, subscribers: null, problem);
        }

        try
        {
            var subscribers = await publisher.PublishAsync(
                publish.Data, publish.Type, publish.Id, publish.Retry, publish.Channel, cancellationToken).ConfigureAwait(false);
            return new SsePublishResult(StatusCodes.Status200OK, subscribers, problem: null);
        }
        catch (ArgumentException exception)
        {
            return new SsePublishResult(StatusCodes.Status400BadRequest, subscribers: null, exception.Message);
        }
        catch (SseBrokerUnavailableException exception)
        {
            LogUnavailable(
                services.GetService<ILoggerFactory>()?.CreateLogger(typeof(HttpPublishHandler)) ?? NullLogger.Instance,
                exception);
            return new SsePublishResult(StatusCodes.Status503ServiceUnavailable, subscribers: null, UnavailableProblem);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A publish request was answered 503: the broker is unavailable.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    private static SsePublishResult TooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        subscribers: null,
        string.Create(CultureInfo.InvariantCulture, $"The body is larger than {limit:N0} bytes, far more than an event may be (Sse:MaxEventSize)."));
}
