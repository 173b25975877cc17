using System.Buffers;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace SseFunctions.Benchmarks.Server;

/// <summary>
/// The yardstick: one Redis subscription, each message framed once as <c>data: &lt;payload&gt;</c>, and an unbounded
/// queue per stream drained with one flush per batch. No bounds, heartbeats, ids, deadlines or checks of any kind.
/// </summary>
internal sealed class BaselineFanOut : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly Lock _gate = new();
    private ChannelWriter<byte[]>[] _listeners = [];

    private BaselineFanOut(ConnectionMultiplexer redis) => _redis = redis;

    public static async Task<BaselineFanOut> StartAsync(string redisConfiguration, string channel)
    {
        var configuration = ConfigurationOptions.Parse(redisConfiguration);
        configuration.ClientName = "SseBaseline";
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var fanOut = new BaselineFanOut(redis);
        // StackExchange.Redis 2.x runs handlers concurrently; its queue hands messages on one at a time, in order.
        (await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel))).OnMessage(message => fanOut.Dispatch(message.Message!));
        return fanOut;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _listeners = [.. _listeners, queue.Writer];
        }

        try
        {
            var body = response.BodyWriter;
            body.Write(":\n\n"u8);
            await body.FlushAsync(aborted);
            while (await queue.Reader.WaitToReadAsync(aborted))
            {
                while (queue.Reader.TryRead(out var frame))
                {
                    body.Write(frame);
                }

                await body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left.
        }
        finally
        {
            lock (_gate)
            {
                _listeners = Array.FindAll(_listeners, listener => listener != queue.Writer);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.CloseAsync();
        _redis.Dispose();
    }

    private void Dispatch(byte[] payload)
    {
        var frame = new byte[payload.Length + 8];
        "data: "u8.CopyTo(frame);
        payload.CopyTo(frame, 6);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.TryWrite(frame);
        }
    }
}
