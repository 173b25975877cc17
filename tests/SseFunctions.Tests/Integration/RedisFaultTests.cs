using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// Redis going away: a publish fails within a bounded time with an error that says so, and open streams stay open
/// with heartbeats and receive again once Redis is back. Each test has a redis-server of its own to kill.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisFaultTests
{
    private const string Password = "s3cret-Pa55word";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(2);

    // Generous for a loaded machine, yet far from a hang.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_publish_after_redis_died_fails_within_the_publish_timeout_saying_redis_is_unavailable()
    {
        await using var server = await RedisServer.StartAsync();
        await RequirePasswordAsync(server);
        await using var host = await SseTestHost.StartAsync(
            $"redis://:{Password}@127.0.0.1:{server.Port}",
            options => options.PublishTimeout = PublishTimeout,
            environment: "Production");
        var channel = $"fault-{Guid.NewGuid():N}";
        Assert.Equal(0, await host.Publisher.PublishAsync("while Redis is up", channel: channel));

        await server.KillAsync();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var clock = Stopwatch.StartNew();
            var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(
                () => host.Publisher.PublishAsync("while Redis is down", channel: channel));
            clock.Stop();

            Assert.True(clock.Elapsed < PublishTimeout + Margin, $"The publish took {clock.Elapsed}.");
            AssertSaysRedisIsUnavailableWithoutPassword(exception, server.Port);
        }
    }

    [Fact]
    public async Task A_publish_to_a_port_where_nothing_ever_listened_fails_within_a_bounded_time_saying_redis_is_unreachable()
    {
        var port = UnusedPort();
        await using var host = await SseTestHost.StartAsync(
            $"redis://:{Password}@127.0.0.1:{port}",
            options => options.PublishTimeout = PublishTimeout,
            environment: "Production");

        // The publish is what is bounded; the host's start-up is not timed, as it varies with the machine's load.
        var clock = Stopwatch.StartNew();
        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(
            () => host.Publisher.PublishAsync("nobody is there", channel: "nowhere"));
        clock.Stop();

        Assert.True(clock.Elapsed < PublishTimeout + Margin, $"The publish took {clock.Elapsed}.");
        AssertSaysRedisIsUnavailableWithoutPassword(exception, port);
        Assert.Contains("is unreachable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_first_connect_is_tried_again_so_a_redis_that_comes_up_later_serves_the_same_host()
    {
        await using var server = RedisServer.NotStartedOn(UnusedPort());
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options => options.PublishTimeout = PublishTimeout,
            environment: "Production");
        var channel = $"late-redis-{Guid.NewGuid():N}";
        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(
            () => host.Publisher.PublishAsync("nobody is there yet", channel: channel));
        AssertSaysRedisIsUnavailableWithoutPassword(exception, server.Port);

        await server.StartAgainAsync();
        await using var stream = await RawSseReader.OpenAsync(host.Client, $"/stream?channel={channel}");
        var published = await PublishOnceRedisIsBackAsync(host, server, channel);

        await stream.WaitUntilAsync(text => text.Contains($"data: {published}\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_publish_to_a_redis_that_stopped_answering_fails_after_the_publish_timeout_saying_so()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options => options.PublishTimeout = PublishTimeout,
            environment: "Production");
        var channel = $"frozen-{Guid.NewGuid():N}";
        await host.Publisher.PublishAsync("while Redis answers", channel: channel);
        await using var probe = await RedisProbe.ConnectAsync(server);

        // Redis holds every client's commands, as a hung server or a network black hole would.
        var pause = PublishTimeout + Margin;
        await probe.Database.ExecuteAsync("CLIENT", "PAUSE", (long)pause.TotalMilliseconds, "ALL");
        var clock = Stopwatch.StartNew();
        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(
            () => host.Publisher.PublishAsync("while Redis is silent", channel: channel));
        clock.Stop();

        Assert.InRange(clock.Elapsed, PublishTimeout - TimeSpan.FromMilliseconds(100), PublishTimeout + Margin);
        AssertSaysRedisIsUnavailableWithoutPassword(exception, server.Port);
    }

    [Fact]
    public async Task A_publish_to_a_host_that_accepts_but_never_answers_fails_within_a_bounded_time()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        await using var host = await SseTestHost.StartAsync(
            $"redis://:{Password}@127.0.0.1:{port}",
            options =>
            {
                options.PublishTimeout = PublishTimeout;
                options.ConnectTimeout = PublishTimeout;
            },
            environment: "Production");

        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(
            () => host.Publisher.PublishAsync("into the void", channel: "void"));
        clock.Stop();

        Assert.True(clock.Elapsed < PublishTimeout + PublishTimeout + Margin, $"Start-up and the publish took {clock.Elapsed}.");
        AssertSaysRedisIsUnavailableWithoutPassword(exception, port);
    }

    [Fact]
    public async Task A_stream_stays_open_with_heartbeats_while_redis_is_down_and_receives_again_once_it_is_back()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options =>
            {
                options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
                options.PublishTimeout = PublishTimeout;
            },
            environment: "Production");
        var channel = $"outage-{Guid.NewGuid():N}";
        await using var stream = await RawSseReader.OpenAsync(host.Client, $"/stream?channel={channel}");
        await host.Publisher.PublishAsync("before", channel: channel);
        await stream.WaitUntilAsync(text => text.Contains("data: before\n", StringComparison.Ordinal));

        await server.KillAsync();
        var killedAt = stream.Text.Length;
        await stream.WaitUntilAsync(text => RawSseReader.Count(text[killedAt..], ": heartbeat\n\n") >= 3);
        Assert.False(stream.Ended.IsCompleted);

        await server.StartAgainAsync();
        var published = await PublishOnceRedisIsBackAsync(host, server, channel);
        await stream.WaitUntilAsync(text => text.Contains($"data: {published}\n", StringComparison.Ordinal));

        var items = await ParseAsync(stream.Bytes);
        Assert.Equal(["before", published], items.Select(item => item.Data));
        Assert.False(stream.Ended.IsCompleted);
    }

    [Fact]
    public async Task A_stream_opened_while_redis_is_down_stays_open_and_receives_once_it_is_back()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options =>
            {
                options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
                options.PublishTimeout = PublishTimeout;
            },
            environment: "Production");
        await host.Publisher.PublishAsync("connect first", channel: "warm-up");
        await server.KillAsync();
        var channel = $"late-{Guid.NewGuid():N}";

        await using var stream = await RawSseReader.OpenAsync(host.Client, $"/stream?channel={channel}");
        await stream.WaitUntilAsync(text => RawSseReader.Count(text, ": heartbeat\n\n") >= 2);

        await server.StartAgainAsync();
        var published = await PublishOnceRedisIsBackAsync(host, server, channel);
        await stream.WaitUntilAsync(text => text.Contains($"data: {published}\n", StringComparison.Ordinal));
    }

    /// <summary>
    /// The error names the Redis it could not reach and says how, never with the password: unreachable, silent past
    /// the timeout, or lost while the command was out (the wording differs because what the caller may do differs).
    /// </summary>
    private static void AssertSaysRedisIsUnavailableWithoutPassword(SseBrokerUnavailableException exception, int port)
    {
        Assert.Contains($"Redis at 127.0.0.1:{port}", exception.Message, StringComparison.Ordinal);
        Assert.Matches("is unreachable|did not answer within|was lost", exception.Message);
        Assert.DoesNotContain(Password, exception.ToString(), StringComparison.Ordinal);
    }

    private static async Task RequirePasswordAsync(RedisServer server)
    {
        await using var probe = await RedisProbe.ConnectAsync(server);
        await probe.Database.ExecuteAsync("CONFIG", "SET", "requirepass", Password);
    }

    /// <summary>
    /// Waits until the process's subscription is back in Redis, then publishes; a publish may still fail while the
    /// interactive connection reconnects, so each attempt has data of its own and the one that succeeded is returned.
    /// </summary>
    private static async Task<string> PublishOnceRedisIsBackAsync(SseTestHost host, RedisServer server, string channel)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        await using var probe = await RedisProbe.ConnectAsync(server);
        while (await probe.SubscriberCountAsync(channel) == 0)
        {
            // Polling Redis for a reconnection the multiplexer makes on its own; the deadline bounds the wait.
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }

        for (var attempt = 1; ; attempt++)
        {
            var data = $"after {attempt}";
            try
            {
                await host.Publisher.PublishAsync(data, channel: channel, cancellationToken: deadline.Token);
                return data;
            }
            catch (SseBrokerUnavailableException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }
    }

    private static async Task<List<SseItem<string>>> ParseAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            items.Add(item);
        }

        return items;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
