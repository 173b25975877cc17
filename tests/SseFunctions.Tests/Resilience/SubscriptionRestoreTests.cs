using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SseFunctions.Brokers;
using SseFunctions.Configuration;
using SseFunctions.Diagnostics;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// The Redis broker says its subscriptions are live only when Redis has every channel subscribed again: the hub reads
/// the gap from history at that moment, and anything published after that must arrive live. A subscription that
/// failed leaves nothing behind, in the client or in Redis.
/// </summary>
[Trait("Category", "Redis")]
public sealed class SubscriptionRestoreTests
{
    [Fact]
    public async Task Once_live_is_reported_redis_has_every_channel_subscribed_again_and_none_that_failed()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new SseOptions();
        await using var broker = new RedisSseBroker(
            new RedisConnection(RedisUrlParser.Parse("SSE_REDIS_URL", server.Url, options.ConnectTimeout), NullLogger.Instance),
            options,
            new SseMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<RedisSseBroker>.Instance);
        var channels = new List<string> { "restore-0" };
        await broker.SubscribeAsync(channels[0], static () => { });

        for (var cycle = 1; cycle <= 6; cycle++)
        {
            var channel = $"restore-{cycle}";
            var generation = broker.ConnectionGeneration;
            if (cycle % 2 == 0)
            {
                await server.KillAsync();
                await Assert.ThrowsAsync<SseBrokerUnavailableException>(() => broker.SubscribeAsync(channel + "-failed", static () => { }));
                await server.StartAgainAsync();
            }
            else
            {
                Assert.Equal(":1", Execute(server.Port, 1, "CLIENT", "KILL", "TYPE", "pubsub")[0]);
            }

            await WaitForNewConnectionAsync(broker, generation);
            Assert.True(await broker.WaitUntilSubscriptionsLiveAsync(SseTestClient.Patience));
            Assert.Equal([0], NumSub(server.Port, [channel + "-failed"]));

            await broker.SubscribeAsync(channel, static () => { });
            channels.Add(channel);
            Assert.True(await broker.WaitUntilSubscriptionsLiveAsync(SseTestClient.Patience));

            // Asked at once, on a connection of its own: a moment later the answer could already be right.
            var counts = NumSub(server.Port, [.. channels]);
            Assert.All(counts, count => Assert.Equal(1, count));
        }
    }

    /// <summary>The client makes a new socket before it reads anything from it: the generation tells the loss was seen.</summary>
    private static async Task WaitForNewConnectionAsync(RedisSseBroker broker, long before)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (broker.ConnectionGeneration != before)
            {
                changed.TrySetResult();
            }
        }

        broker.ConnectionChanged += Check;
        try
        {
            Check();
            await changed.Task.WaitAsync(SseTestClient.Patience);
        }
        finally
        {
            broker.ConnectionChanged -= Check;
        }
    }

    /// <summary>PUBSUB NUMSUB on a connection of its own, synchronously: no client library's reconnect in the way.</summary>
    private static long[] NumSub(int port, string[] channels)
    {
        // *2n, then per channel: $length, name, :count
        var lines = Execute(port, 1 + (channels.Length * 3), ["PUBSUB", "NUMSUB", .. channels]);
        return [.. Enumerable.Range(0, channels.Length).Select(i => long.Parse(lines[3 + (i * 3)][1..], CultureInfo.InvariantCulture))];
    }

    /// <summary>Sends one command in RESP over a new socket and reads the given number of reply lines.</summary>
    private static List<string> Execute(int port, int replyLines, params string[] arguments)
    {
        using var client = new TcpClient("127.0.0.1", port);
        using var stream = client.GetStream();
        var command = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
        {
            command.Append(CultureInfo.InvariantCulture, $"${argument.Length}\r\n{argument}\r\n");
        }

        stream.Write(Encoding.ASCII.GetBytes(command.ToString()));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var lines = new List<string>();
        while (lines.Count < replyLines)
        {
            lines.Add(reader.ReadLine() ?? throw new IOException("Redis closed the connection."));
        }

        return lines;
    }
}
