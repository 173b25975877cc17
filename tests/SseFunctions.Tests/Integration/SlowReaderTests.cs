using System.Net.Sockets;
using System.Text;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>A client that stops reading fills only its own queue: it is ended, and the others never wait for it.</summary>
public sealed class SlowReaderTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int QueueCapacity = 16;
    private const int Batch = QueueCapacity / 2;
    private const int MostEvents = 6000;

    [Fact]
    public async Task A_stream_that_stops_reading_is_ended_while_another_on_its_channel_gets_every_event_in_order()
    {
        await using var host = await SseTestHost.StartAsync(
            redis.Server.Url,
            options => options.StreamQueueCapacity = QueueCapacity,
            environment: "Production");
        using var metrics = new MetricRecorder(host.Services);
        var channel = $"slow-{Guid.NewGuid():N}";
        using var stalled = await OpenStalledStreamAsync(host, channel);
        await using var reader = await host.OpenStreamAsync($"?channel={channel}");
        var padding = new string('x', 4096);

        // In steps of half the queue, each awaited at the reading client: it never has more than that waiting, so it
        // can only be ended if the stalled one holds it up. The stalled one falls behind by a step's worth each time.
        var published = 0;
        var stepsAfterEnded = 0;
        while (stepsAfterEnded < 5)
        {
            Assert.True(published < MostEvents, $"The stalled stream was not ended after {published} events of 4 KiB.");
            for (var i = 0; i < Batch; i++)
            {
                await host.Publisher.PublishAsync($"{published + i:D6} {padding}", channel: channel);
            }

            for (var i = 0; i < Batch; i++)
            {
                var item = await reader.NextAsync();
                Assert.Equal($"{published + i:D6}", item.Data[..6]);
                Assert.Equal(4096 + 7, item.Data.Length);
            }

            published += Batch;
            if (metrics.Total("sse.streams.ended_slow") > 0)
            {
                stepsAfterEnded++;
            }
        }

        Assert.False(reader.Ended.IsCompleted, "The reading client's stream ended too.");
        Assert.Equal(1, metrics.Total("sse.streams.ended_slow"));
        await AssertClosedByServerAsync(stalled);
    }

    /// <summary>
    /// A raw HTTP/1.1 GET with a small receive window that reads the response head and then nothing more, so the
    /// server's socket and pipe fill at once and its writes stall.
    /// </summary>
    private static async Task<Socket> OpenStalledStreamAsync(SseTestHost host, string channel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var request = $"GET /stream?channel={channel} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));

        // The head and the opening comment arrive once the channel is subscribed.
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !received.ToString().Contains(":\n\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer).WaitAsync(SseTestClient.Patience);
            Assert.True(read > 0, $"The server closed the stream at once:\n{received}");
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 200", received.ToString(), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>Reads what is still buffered; the server must have closed or reset the connection behind it.</summary>
    private static async Task AssertClosedByServerAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, deadline.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed as well.
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail("The server kept the stalled connection open.");
        }
    }
}
