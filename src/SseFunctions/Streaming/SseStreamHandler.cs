using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using SseFunctions.Events;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// Serves one SSE stream, for <c>MapSse</c> and Functions alike: checks the channels and the authorization hook,
/// subscribes, opens the response, replays history after <c>Last-Event-ID</c>, then writes queued frames with one flush
/// per batch until the client leaves, the stream's deadline passes or the application stops.
/// </summary>
internal sealed partial class SseStreamHandler(
    ChannelHub hub,
    StreamSupervisor supervisor,
    ISseBroker broker,
    SseOptions options,
    SseMetrics metrics,
    TimeProvider timeProvider,
    ILogger<SseStreamHandler> logger)
{
    /// <summary>The event a stream sends when it cannot give a resuming client everything it missed.</summary>
    public const string MissedEventType = "sse-missed";

    private static readonly byte[] OpeningComment = ":\n\n"u8.ToArray();

    // Frames up to this size are copied into the response's current block; larger ones are written across blocks.
    private const int SmallFrame = 2048;

    private readonly byte[] _opening = options.ReconnectInterval is { } retry
        ? [.. OpeningComment, .. System.Text.Encoding.UTF8.GetBytes($"retry: {(long)retry.TotalMilliseconds}\n\n")]
        : OpeningComment;

    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = StreamRequest.Parse(context.Request, options, out var problem);
        if (problem is not null)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem).ConfigureAwait(false);
            return;
        }

        if (options.AuthorizeChannel is { } authorize)
        {
            foreach (var channel in request.Channels)
            {
                if (!await authorize(context, channel).ConfigureAwait(false))
                {
                    await RefuseAsync(context, StatusCodes.Status403Forbidden, $"This request may not listen to channel '{channel}'.").ConfigureAwait(false);
                    return;
                }
            }
        }

        var connection = supervisor.Open();
        if (connection is null)
        {
            // Stopping: an empty stream makes the browser reconnect (to another instance) instead of giving up on an error status.
            await OpenResponseAsync(context, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var subscriptions = new List<ChannelSubscription>(request.Channels.Count);
        metrics.OpenStreams.Add(1);
        // Registered once per stream rather than linked into a new token source or passed to every wait: thousands
        // of idle streams each keep this, and the writer waits thousands of times a second under load.
        using var aborted = context.RequestAborted.UnsafeRegister(static state => ((SseConnection)state!).Abort(), connection);
        using var cancelled = cancellationToken.UnsafeRegister(static state => ((SseConnection)state!).Abort(), connection);
        var stop = connection.Stopping;
        try
        {
            foreach (var channel in request.Channels)
            {
                subscriptions.Add(await hub.JoinAsync(channel, connection).ConfigureAwait(false));
            }

            await OpenResponseAsync(context, stop).ConfigureAwait(false);
            var lastWritten = await ReplayAsync(context, request, stop).ConfigureAwait(false);
            await WriteLiveAsync(context, connection, lastWritten, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left, the host cancelled the invocation, or the stream was ended as slow.
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                hub.Leave(subscription, connection);
            }

            supervisor.Close(connection);
            var channels = string.Join(',', request.Channels);
            if (connection.EndReason == StreamEndReason.Slow)
            {
                // Logged before counted, so that whoever sees the count also finds the log.
                LogSlowStream(channels, options.StreamQueueCapacity);
                metrics.StreamsEndedSlow.Add(1);

                // Its socket is backed up, so no orderly end would reach it: cut the connection.
                context.Abort();
            }

            metrics.OpenStreams.Add(-1);
            LogStreamEnded(channels, connection.EndReason);
        }
    }

    private static async Task RefuseAsync(HttpContext context, int statusCode, string reason)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task OpenResponseAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        // Compression would hold events back until a block fills; identity also tells compression middleware to stay out.
        response.Headers.ContentEncoding = "identity";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken).ConfigureAwait(false);

        // Flushed at once so that the browser sees the stream open before any event is published.
        response.BodyWriter.Write(_opening);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes what the client missed, oldest first; returns the last position it now has, after which live frames are
    /// new to it. The stream subscribed before this reads, so every event not replayed arrives live.
    /// </summary>
    private async Task<EventPosition> ReplayAsync(HttpContext context, StreamRequest request, CancellationToken cancellationToken)
    {
        if (request.LastEventId is null || !options.HistoryEnabled)
        {
            return EventPosition.Zero;
        }

        if (!EventPosition.TryParse(request.LastEventId, out var after))
        {
            await SignalMissedAsync(context, request.LastEventId, "unknown", cancellationToken).ConfigureAwait(false);
            return EventPosition.Zero;
        }

        List<(string Channel, HistoryEntry Entry)> entries;
        HistoryGap gap;
        try
        {
            (entries, gap, _) = await MultiChannelHistory.ReadAsync(
                broker,
                request.Channels.Select(channel => (channel, channel, after)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SseBrokerUnavailableException exception)
        {
            LogReplayUnavailable(exception);
            await SignalMissedAsync(context, request.LastEventId, "unavailable", cancellationToken).ConfigureAwait(false);
            return after;
        }

        if (gap != HistoryGap.None)
        {
            await SignalMissedAsync(context, request.LastEventId, gap == HistoryGap.Expired ? "expired" : "unknown", cancellationToken).ConfigureAwait(false);
        }

        var body = context.Response.BodyWriter;

        // An unknown id is none of ours: live events must not be measured against it.
        var lastWritten = gap == HistoryGap.Unknown ? EventPosition.Zero : after;
        var replayed = 0;
        foreach (var (_, entry) in entries)
        {
            if (entry.Position > lastWritten && SseFrameEncoder.TryDecode(entry.Envelope, options.MaxEventSize, out var frame, out _))
            {
                body.Write(frame.Bytes);
                lastWritten = entry.Position;
                replayed++;
            }
        }

        if (replayed > 0)
        {
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            metrics.EventsReplayed.Add(replayed);
            metrics.EventsDelivered.Add(replayed);
        }

        return lastWritten;
    }

    private async Task SignalMissedAsync(HttpContext context, string lastEventId, string reason, CancellationToken cancellationToken)
    {
        metrics.ResumeMisses.Add(1);
        LogResumeMissed(lastEventId, reason);
        var data = JsonSerializer.Serialize(new MissedSignal(lastEventId, reason), SseJsonContext.Default.MissedSignal);
        context.Response.BodyWriter.Write(SseFrameEncoder.EncodeControl(MissedEventType, data, retry: null));
        await context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteLiveAsync(HttpContext context, SseConnection connection, EventPosition lastWritten, CancellationToken cancellationToken)
    {
        var body = context.Response.BodyWriter;
        while (await connection.WaitToReadAsync().ConfigureAwait(false))
        {
            var delivered = WriteQueued(body, connection, ref lastWritten);
            var flushed = await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            connection.MarkActivity(timeProvider.GetTimestamp());
            if (delivered > 0)
            {
                metrics.EventsDelivered.Add(delivered);
            }

            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Copies every queued frame into the response, asking it for buffer space once per block rather than once per
    /// frame (each request takes the server's lock); returns how many events, heartbeats aside, were written.
    /// </summary>
    private static int WriteQueued(PipeWriter body, SseConnection connection, ref EventPosition lastWritten)
    {
        var delivered = 0;
        var buffer = Span<byte>.Empty;
        var used = 0;
        while (connection.TryRead(out var frame))
        {
            if (frame.Position is { } position)
            {
                // Already sent by the replay, or by the gap recovery after a Redis outage.
                if (position <= lastWritten)
                {
                    continue;
                }

                lastWritten = position;
            }

            var bytes = frame.Bytes;
            if (bytes.Length > buffer.Length - used)
            {
                body.Advance(used);
                used = 0;
                if (bytes.Length > SmallFrame)
                {
                    // Larger than a block may hold: written across blocks, never into a buffer of its own size.
                    body.Write(bytes);
                    buffer = Span<byte>.Empty;
                }
                else
                {
                    buffer = body.GetSpan(bytes.Length);
                }
            }

            if (buffer.Length > 0)
            {
                bytes.CopyTo(buffer[used..]);
                used += bytes.Length;
            }

            if (!ReferenceEquals(frame, SseFrame.Heartbeat))
            {
                delivered++;
            }
        }

        body.Advance(used);
        return delivered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended a stream on '{Channels}': its client read too slowly and {Capacity} events were waiting (Sse:StreamQueueCapacity). It reconnects and catches up from history.")]
    private partial void LogSlowStream(string channels, int capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream on '{Channels}' ended ({Reason}).")]
    private partial void LogStreamEnded(string channels, StreamEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A stream resuming after '{LastEventId}' could not get everything it missed ({Reason}); it was sent the sse-missed event.")]
    private partial void LogResumeMissed(string lastEventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read history for a resuming stream; it continues with live events only.")]
    private partial void LogReplayUnavailable(Exception exception);
}
