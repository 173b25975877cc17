using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SseFunctions;

/// <summary>
/// Settings of SseFunctions. Everything but <see cref="AuthorizeChannel"/> and <see cref="JsonSerializerOptions"/> binds
/// from the configuration section <c>Sse</c> (app setting <c>Sse__HeartbeatInterval</c> and so on); the Redis URL comes
/// from <c>SSE_REDIS_URL</c>, then <c>REDIS_URL</c>. Values set in code win over settings.
/// </summary>
public sealed class SseOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Sse";

    /// <summary>Flask-SSE's default channel.</summary>
    public const string DefaultChannel = "sse";

    /// <summary>
    /// The Redis to use: <c>redis://[[user]:password@]host[:port][/db]</c>, <c>rediss://…</c> for TLS, or a
    /// StackExchange.Redis connection string. When <see langword="null"/>, <c>SSE_REDIS_URL</c> then <c>REDIS_URL</c> are read.
    /// </summary>
    public string? RedisUrl { get; set; }

    /// <summary>How long a stream may stay silent before a heartbeat comment is sent. Default 15 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The <c>retry:</c> hint sent when a stream opens: how long a browser waits before reconnecting.
    /// Default 2 seconds; <see langword="null"/> sends none.
    /// </summary>
    public TimeSpan? ReconnectInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a stream stays open before it ends by itself and the browser reconnects (resuming with
    /// <c>Last-Event-ID</c>). Default 15 minutes: well under Azure Functions' default <c>functionTimeout</c> of 30 minutes,
    /// past which the host restarts the whole worker process.
    /// </summary>
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Each stream ends at a random moment within this much before <see cref="MaxStreamDuration"/>, so that browsers
    /// which connected together do not all reconnect together. Default 2 minutes.
    /// </summary>
    public TimeSpan MaxStreamDurationJitter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many channels one stream may listen to (<c>?channel=a&amp;channel=b</c>). Default 10.</summary>
    public int MaxChannelsPerStream { get; set; } = 10;

    /// <summary>The longest channel name accepted, in characters. Default 256.</summary>
    public int MaxChannelNameLength { get; set; } = 256;

    /// <summary>The largest event accepted for publishing, in bytes of its encoded form. Default 64 KiB.</summary>
    public int MaxEventSize { get; set; } = 64 * 1024;

    /// <summary>
    /// How many events may wait for one stream's client, counting those its writer took and has not written yet. A
    /// stream whose client reads too slowly to keep this queue from filling is ended; the browser reconnects and catches
    /// up from history. Default 1024.
    /// </summary>
    public int StreamQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// The longest one write to a stream's client may take. A client that stopped reading fills the socket's buffers,
    /// and the write after that waits for it: past this, the stream is ended and its connection cut, whether events were
    /// waiting or only heartbeats. Default 30 seconds.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most streams one process keeps open; beyond it a stream request is answered 503 with <c>Retry-After</c>, so
    /// that a load balancer sends it to another instance. Default <see langword="null"/>: no limit.
    /// </summary>
    public int? MaxOpenStreams { get; set; }

    /// <summary>
    /// Keeps recent events per channel in the broker so that a reconnecting browser gets what it missed.
    /// Default <see langword="true"/>.
    /// </summary>
    public bool HistoryEnabled { get; set; } = true;

    /// <summary>The most events kept per channel. Default 1000.</summary>
    public int HistoryMaxLength { get; set; } = 1000;

    /// <summary>How long an event stays in history. Default 1 hour.</summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How much history a resuming stream reads at a time, in bytes of events (a page holds at least one event). The
    /// stream writes a page and waits for its client to take it before it reads the next, so a client that does not
    /// read holds about one page. Default 256 KiB.
    /// </summary>
    public int ReplayPageSize { get; set; } = 256 * 1024;

    /// <summary>
    /// The most history one resume replays, in bytes of events. Beyond it the stream sends <c>sse-missed</c> with reason
    /// <c>expired</c>, as when history was trimmed, and goes on live. Default 16 MiB.
    /// </summary>
    public int MaxReplaySize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many history pages the process reads from the broker at once, for all resuming streams together; the others
    /// wait their turn. It keeps a crowd of resumes from filling the Redis connection ahead of publishes. Default 4.
    /// </summary>
    public int MaxConcurrentHistoryReads { get; set; } = 4;

    /// <summary>The prefix of every Redis key the package writes (history streams and the id counter). Default <c>sse:</c>.</summary>
    public string KeyPrefix { get; set; } = "sse:";

    /// <summary>The longest a publish waits for the broker before it fails. Default 5 seconds.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest one attempt to connect to Redis may take. Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Decides, for each channel a stream asks for, whether the request may listen to it; runs before subscribing.
    /// Returning <see langword="false"/> answers 403. <see langword="null"/> allows every valid channel.
    /// </summary>
    public Func<HttpContext, string, ValueTask<bool>>? AuthorizeChannel { get; set; }

    /// <summary>How non-string event data is serialized. Default: <see cref="JsonSerializerOptions.Web"/>.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = JsonSerializerOptions.Web;
}
