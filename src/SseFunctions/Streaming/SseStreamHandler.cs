using System.Buffers;
using System.Globalization;
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
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The history-read gate is never disposed: a stream may still release it while the host shuts down, and it holds no wait handle.")]
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

    // The writer flushes after this much, so a stream whose client does not read holds at most about this in its
    // response (Kestrel's own buffer is 64 KiB), whatever its queue holds.
    private const int BatchBytes = 64 * 1024;

    // The most events of one replay page, for all its channels together: small events make pages of this many.
    private const int ReplayPageEvents = 256;

    private readonly byte[] _opening = options.ReconnectInterval is { } retry
        ? [.. OpeningComment, .. System.Text.Encoding.UTF8.GetBytes($"retry: {(long)retry.TotalMilliseconds}\n\n")]
        : OpeningComment;

    // History reads of every resuming stream share the Redis connection with publishes: a few at a time keep the
    // publishes' wait behind them short, and each holds the gate for one page's read only, never while its client reads.
    private readonly SemaphoreSlim _historyReads = new(options.MaxConcurrentHistoryReads, options.MaxConcurrentHistoryReads);

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

        var stream = supervisor.Open(context.Abort, out var full);
        if (full)
        {
            await RefuseFullAsync(context).ConfigureAwait(false);
            return;
        }

        if (stream is null)
        {
            // Stopping: an empty stream makes the browser reconnect (to another instance) instead of giving up on an error status.
            await OpenResponseAsync(context, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var subscriptions = new List<ChannelSubscription>(request.Channels.Count);
        metrics.OpenStreams.Add(1);
        // Registered once per stream rather than linked into a new token source or passed to every wait: thousands
        // of idle streams each keep this, and the writer waits thousands of times a second under load.
        using var aborted = context.RequestAborted.UnsafeRegister(static state => ((StreamQueue)state!).Abort(), stream);
        using var cancelled = cancellationToken.UnsafeRegister(static state => ((StreamQueue)state!).Abort(), stream);
        var stop = stream.Stopping;
        try
        {
            foreach (var channel in request.Channels)
            {
                subscriptions.Add(await hub.JoinAsync(channel, stream).ConfigureAwait(false));
            }

            await OpenResponseAsync(context, stop).ConfigureAwait(false);
            var replayedThrough = await ReplayAsync(context, stream, request, stop).ConfigureAwait(false);
            await WriteLiveAsync(context, stream, replayedThrough, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left, the host cancelled the invocation, or the stream was ended as slow or cut as stalled (its
            // token is cancelled before its connection is cut, so the write the cut ends throws this too).
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                hub.Leave(subscription, stream);
            }

            supervisor.Close(stream);
            var channels = LogText.Escape(string.Join(',', request.Channels));
            switch (stream.EndReason)
            {
                case StreamEndReason.Slow:
                    // Logged before counted, so that whoever sees the count also finds the log.
                    LogSlowStream(channels, options.StreamQueueCapacity);
                    metrics.StreamsEndedSlow.Add(1);

                    // Its socket is backed up, so no orderly end would reach it: cut the connection.
                    context.Abort();
                    break;
                case StreamEndReason.Stalled:
                    LogStalledStream(channels, options.WriteTimeout.TotalSeconds);
                    metrics.StreamsEndedSlow.Add(1);
                    break;
            }

            metrics.OpenStreams.Add(-1);
            LogStreamEnded(channels, stream.EndReason);
        }
    }

    private static async Task RefuseAsync(HttpContext context, int statusCode, string reason)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RefuseFullAsync(HttpContext context)
    {
        // Counted, not logged: a crowd of refusals would flood the log just when the process is busiest.
        metrics.StreamsRefused.Add(1);
        var retryAfter = Math.Max(1, (int)Math.Ceiling((options.ReconnectInterval ?? TimeSpan.Zero).TotalSeconds));
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await RefuseAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            string.Create(
                CultureInfo.InvariantCulture,
                $"This server has as many streams open as it is allowed ({options.MaxOpenStreams}, Sse:MaxOpenStreams). Try again in {retryAfter} s; another instance may have room.")).ConfigureAwait(false);
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
    /// Writes what the client missed, oldest first, a page at a time, and returns the last position it now has, after
    /// which live frames are new to it. The stream subscribed before this reads, so every event not replayed arrives
    /// live; a page is read only once the client took the one before (the flush completed), so a client that does not
    /// read holds one page and its queue. Past <see cref="SseOptions.MaxReplaySize"/>, the client is told it missed the
    /// rest, as when history was trimmed.
    /// </summary>
    private async Task<EventPosition> ReplayAsync(HttpContext context, StreamQueue stream, StreamRequest request, CancellationToken cancellationToken)
    {
        if (request.LastEventId is null || !options.HistoryEnabled)
        {
            return EventPosition.Zero;
        }

        if (!EventPosition.TryParse(request.LastEventId, out var after))
        {
            await SignalMissedAsync(context, stream, request.LastEventId, "unknown", cancellationToken).ConfigureAwait(false);
            return EventPosition.Zero;
        }

        var channels = request.Channels.Count;
        var limit = new HistoryLimit(Math.Max(1, ReplayPageEvents / channels), Math.Max(1, options.ReplayPageSize / channels));
        var body = context.Response.BodyWriter;
        var lastWritten = after;
        var cursor = after;
        var signalled = false;
        var replayedBytes = 0L;
        for (var first = true; ; first = false)
        {
            HistoryPage<string> page;
            await _historyReads.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                page = await MultiChannelHistory.ReadPageAsync(
                    broker,
                    request.Channels.Select(channel => (channel, channel, cursor)),
                    limit,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (SseBrokerUnavailableException exception)
            {
                LogReplayUnavailable(exception);
                await SignalMissedAsync(context, stream, request.LastEventId, "unavailable", cancellationToken).ConfigureAwait(false);
                return lastWritten;
            }
            finally
            {
                _historyReads.Release();
            }

            if (page.Gap != HistoryGap.None && !signalled)
            {
                signalled = true;
                await SignalMissedAsync(context, stream, request.LastEventId, page.Gap == HistoryGap.Expired ? "expired" : "unknown", cancellationToken).ConfigureAwait(false);

                // An unknown id is none of ours: live events must not be measured against it.
                if (first && page.Gap == HistoryGap.Unknown)
                {
                    lastWritten = EventPosition.Zero;
                }
            }

            var replayed = 0;
            var bounded = false;
            foreach (var (_, entry) in page.Entries)
            {
                if (entry.Position <= lastWritten || !SseFrameEncoder.TryDecode(entry.Envelope, options.MaxEventSize, out var frame, out _))
                {
                    continue;
                }

                replayedBytes += entry.Envelope.Length;
                if (replayedBytes > options.MaxReplaySize)
                {
                    bounded = true;
                    break;
                }

                body.Write(frame.Bytes);
                lastWritten = entry.Position;
                replayed++;
            }

            if (replayed > 0)
            {
                metrics.EventsReplayed.Add(replayed);
                metrics.EventsDelivered.Add(replayed);
                await FlushAsync(body, stream, cancellationToken).ConfigureAwait(false);
            }

            if (bounded)
            {
                LogReplayBounded(LogText.Escape(request.LastEventId), options.MaxReplaySize);
                if (!signalled)
                {
                    await SignalMissedAsync(context, stream, request.LastEventId, "expired", cancellationToken).ConfigureAwait(false);
                }

                return lastWritten;
            }

            if (page.Complete)
            {
                return lastWritten;
            }

            cursor = page.Through;
        }
    }

    private async Task SignalMissedAsync(HttpContext context, StreamQueue stream, string lastEventId, string reason, CancellationToken cancellationToken)
    {
        metrics.ResumeMisses.Add(1);
        LogResumeMissed(LogText.Escape(lastEventId), reason);

        // JSON escapes every control character: the client's id cannot break the frame either.
        var data = JsonSerializer.Serialize(new MissedSignal(lastEventId, reason), SseJsonContext.Default.MissedSignal);
        context.Response.BodyWriter.Write(SseFrameEncoder.EncodeControl(MissedEventType, data, retry: null));
        await FlushAsync(context.Response.BodyWriter, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A flush the supervisor watches: one that a client which stopped reading holds past the write timeout is cut.</summary>
    private async Task FlushAsync(PipeWriter body, StreamQueue stream, CancellationToken cancellationToken)
    {
        stream.BeginWrite(timeProvider.GetTimestamp());
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        stream.EndWrite(timeProvider.GetTimestamp());
    }

    private async Task WriteLiveAsync(HttpContext context, StreamQueue connection, EventPosition replayedThrough, CancellationToken cancellationToken)
    {
        var body = context.Response.BodyWriter;
        while (await connection.WaitToReadAsync().ConfigureAwait(false))
        {
            var delivered = WriteQueued(body, connection, replayedThrough);

            // Not through FlushAsync: this loop's own state machine carries the wait, allocating nothing per batch.
            connection.BeginWrite(timeProvider.GetTimestamp());
            var flushed = await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            connection.EndWrite(timeProvider.GetTimestamp());
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
    /// Copies queued frames into the response, up to <see cref="BatchBytes"/>, asking it for buffer space once per block
    /// rather than once per frame (each request takes the server's lock); returns how many events, heartbeats aside,
    /// were written. What is left stays queued for the next batch, after a flush.
    /// </summary>
    private static int WriteQueued(PipeWriter body, StreamQueue connection, EventPosition replayedThrough)
    {
        var delivered = 0;
        var buffer = Span<byte>.Empty;
        var used = 0;
        var batched = 0;
        while (batched < BatchBytes && connection.TryRead(out var frame))
        {
            // Already sent by the replay: every event up to its cut was in the history it read. Nothing later is measured
            // against an earlier live frame: the hub hands each channel's events on once, and on a Redis Cluster channels
            // of different nodes arrive in no relative order, so a lower position after a higher one is new, not a repeat.
            if (frame.Position is { } position && position <= replayedThrough)
            {
                continue;
            }

            var bytes = frame.Bytes;
            batched += bytes.Length;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended a stream on '{Channels}': a write to its client did not complete within {Seconds} s (Sse:WriteTimeout), so it stopped reading; its connection was cut.")]
    private partial void LogStalledStream(string channels, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "A stream resuming after '{LastEventId}' replayed {MaxReplaySize} bytes of history (Sse:MaxReplaySize) and goes on live; it was sent the sse-missed event for the rest.")]
    private partial void LogReplayBounded(string lastEventId, int maxReplaySize);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream on '{Channels}' ended ({Reason}).")]
    private partial void LogStreamEnded(string channels, StreamEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A stream resuming after '{LastEventId}' could not get everything it missed ({Reason}); it was sent the sse-missed event.")]
    private partial void LogResumeMissed(string lastEventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read history for a resuming stream; it continues with live events only.")]
    private partial void LogReplayUnavailable(Exception exception);
}
