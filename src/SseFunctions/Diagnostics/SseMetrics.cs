using System.Diagnostics.Metrics;

namespace SseFunctions.Diagnostics;

/// <summary>
/// The package's instruments on the meter <c>SseFunctions</c>, which OpenTelemetry and dotnet-counters pick up by name.
/// </summary>
internal sealed class SseMetrics
{
    public const string MeterName = "SseFunctions";

    public SseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        OpenStreams = meter.CreateUpDownCounter<long>("sse.streams.open", "{stream}", "Streams open now.");
        EventsPublished = meter.CreateCounter<long>("sse.events.published", "{event}", "Events published by this process.");
        EventsDelivered = meter.CreateCounter<long>("sse.events.delivered", "{event}", "Events written to streams, replayed ones included.");
        EventsReplayed = meter.CreateCounter<long>("sse.events.replayed", "{event}", "Events written from history when a stream resumed.");
        StreamsEndedSlow = meter.CreateCounter<long>("sse.streams.ended_slow", "{stream}", "Streams ended because their client read too slowly (their queue filled, or a write to it stalled past Sse:WriteTimeout).");
        ResumeMisses = meter.CreateCounter<long>("sse.resume.misses", "{stream}", "Resumes that could not be served in full from history.");
        RedisReconnects = meter.CreateCounter<long>("sse.redis.reconnects", "{reconnect}", "Times the Redis subscription came back after a loss.");
        StreamsRefused = meter.CreateCounter<long>("sse.streams.refused", "{stream}", "Stream requests answered 503 because Sse:MaxOpenStreams streams were open.");
        EnvelopesRejected = meter.CreateCounter<long>("sse.envelopes.rejected", "{message}", "Messages on a channel that were not events and were ignored.");
    }

    public UpDownCounter<long> OpenStreams { get; }

    public Counter<long> EventsPublished { get; }

    public Counter<long> EventsDelivered { get; }

    public Counter<long> EventsReplayed { get; }

    public Counter<long> StreamsEndedSlow { get; }

    public Counter<long> ResumeMisses { get; }

    public Counter<long> RedisReconnects { get; }

    public Counter<long> EnvelopesRejected { get; }

    public Counter<long> StreamsRefused { get; }
}
