using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SseFunctions.Publishing;

/// <summary>
/// Publishes the event a request body describes (<see cref="PublishRequest"/>) and says how it went, for a publish
/// endpoint such as the functions sample's <c>POST /api/publish</c>.
/// </summary>
internal static class HttpPublishHandler
{
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
            return new SsePublishResult(StatusCodes.Status503ServiceUnavailable, subscribers: null, exception.Message);
        }
    }

    private static SsePublishResult TooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        subscribers: null,
        string.Create(CultureInfo.InvariantCulture, $"The body is larger than {limit:N0} bytes, far more than an event may be (Sse:MaxEventSize)."));
}
