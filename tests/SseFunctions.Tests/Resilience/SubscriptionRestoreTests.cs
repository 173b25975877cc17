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
/// The Redis broker says its subscriptions are restored only when Redis has every channel subscribed again: the hub
/// reads the gap from history at that moment, and anything published after that must arrive live.
/// </summary>
public sealed class SubscriptionRestoreTests
{
    [Fact]
    public async Task When_the_restore_is_reported_redis_has_every_channel_subscribed_again()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new SseOptions();
        await using var broker = new RedisSseBroker(
            RedisUrlParser.Parse("SSE_REDIS_URL", server.Url, options.ConnectTimeout),
            options,
            new SseMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<RedisSseBroker>.Instance);
        var channels = new List<string> { "restore-0" };
        await broker.SubscribeAsync(channels[0], static _ => { });
        var reports = System.Threading.Channels.Channel.CreateUnbounded<string>();
        broker.SubscriptionsRestored += () =>
        {
            // Asked at once, on a connection of its own: a moment later the answer could already be right.
            string[] expected;
            lock (channels)
            {
                expected = [.. channels];
            }

            var counts = NumSub(server.Port, expected);
            reports.Writer.TryWrite(string.Join(", ", expected.Zip(counts, (channel, count) => $"{channel}={count}")));
        };

        for (var cycle = 1; cycle <= 6; cycle++)
        {
            var channel = $"restore-{cycle}";
            if (cycle % 2 == 0)
            {
                await server.KillAsync();

                // Subscribed while Redis is down: the multiplexer sends it only once it is back.
                await AddAsync(broker, channels, channel);
                await server.StartAgainAsync();
            }
            else
            {
                await AddAsync(broker, channels, channel);
                Assert.Equal(":1", Execute(server.Port, 1, "CLIENT", "KILL", "TYPE", "pubsub")[0]);
            }

            var report = await reports.Reader.ReadAsync().AsTask().WaitAsync(SseTestClient.Patience);
            Assert.DoesNotContain("=0", report, StringComparison.Ordinal);
        }
    }

    private static async Task AddAsync(RedisSseBroker broker, List<string> channels, string channel)
    {
        lock (channels)
        {
            channels.Add(channel);
        }

        await broker.SubscribeAsync(channel, static _ => { });
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
