using System.Text.Json;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using SseFunctions.Streaming;

namespace SseFunctions.Publishing;

/// <summary>
/// Validates an event where the caller can still fix it, encodes it once as a Flask-SSE envelope and hands it to the broker.
/// </summary>
internal sealed class SsePublisher(ISseBroker broker, SseOptions options, SseMetrics metrics) : ISsePublisher
{
    // The history script appends ,"id":"<milliseconds>-<sequence>"} to the envelope; count it against the size limit.
    private const int AssignedIdAllowance = 48;

    public async Task<long> PublishAsync(
        object? data,
        string? type = null,
        string? id = null,
        int? retry = null,
        string channel = SseOptions.DefaultChannel,
        CancellationToken cancellationToken = default)
    {
        ChannelNameRules.ThrowIfInvalid(channel, options);
        EventFieldValidator.ThrowIfInvalid(type, id, retry);
        if (options.HistoryEnabled && id is not null)
        {
            throw new ArgumentException(
                "While history is enabled (Sse:HistoryEnabled), each event's id is its position in the history, which " +
                "browsers resume from with Last-Event-ID; publish without an id, or disable history to set ids yourself.",
                nameof(id));
        }

        var envelope = Encode(data, type, id, retry);
        var size = envelope.Length + (options.HistoryEnabled ? AssignedIdAllowance : 0);
        if (size > options.MaxEventSize)
        {
            throw new ArgumentException(
                $"The event is {size:N0} bytes when encoded, more than Sse:MaxEventSize ({options.MaxEventSize:N0}). " +
                "Send less data (for example an id the browser fetches the rest by) or raise Sse:MaxEventSize.",
                nameof(data));
        }

        var receipt = await broker.PublishAsync(channel, envelope, options.HistoryEnabled, cancellationToken).ConfigureAwait(false);
        metrics.EventsPublished.Add(1);
        return receipt.Receivers;
    }

    private byte[] Encode(object? data, string? type, string? id, int? retry)
    {
        try
        {
            return options.HistoryEnabled
                ? EnvelopeEncoder.EncodeOpen(data, type, retry, options.JsonSerializerOptions)
                : EnvelopeEncoder.EncodeClosed(data, type, id, retry, options.JsonSerializerOptions);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new ArgumentException(
                $"The event data ({data!.GetType().Name}) cannot be serialized as JSON: {exception.Message}",
                nameof(data),
                exception);
        }
    }
}
