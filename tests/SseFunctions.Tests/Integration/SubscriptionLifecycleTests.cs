using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// A channel is subscribed in Redis once per process while streams listen to it, and unsubscribed when the last one's
/// client goes away (PUBSUB NUMSUB); the process keeps one Redis connection however many streams are open (CLIENT LIST).
/// </summary>
[Trait("Category", "Redis")]
public sealed class SubscriptionLifecycleTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_channel_is_subscribed_once_while_streams_listen_and_released_when_the_last_client_leaves()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        using var metrics = new MetricRecorder(host.Services);
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        var channel = $"life-{Guid.NewGuid():N}";
        var other = $"other-{Guid.NewGuid():N}";
        Assert.Equal(0, await probe.SubscriberCountAsync(channel));

        // The subscription is confirmed before the response starts, so it is live as soon as the headers are in.
        var first = await host.OpenStreamAsync($"?channel={channel}");
        Assert.Equal(1, await probe.SubscriberCountAsync(channel));
        var second = await host.OpenStreamAsync($"?channel={channel}");
        var third = await host.OpenStreamAsync($"?channel={channel}&channel={other}");
        Assert.Equal(1, await probe.SubscriberCountAsync(channel));
        Assert.Equal(1, await probe.SubscriberCountAsync(other));

        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.True(await metrics.WaitForAsync("sse.streams.open", open => open == 1, SseTestClient.Patience), "The server did not notice two clients leave.");
        Assert.Equal(1, await probe.SubscriberCountAsync(channel));
        await host.Publisher.PublishAsync("still live", channel: channel);
        Assert.Equal("still live", (await third.NextAsync()).Data);

        await third.DisposeAsync();
        await WaitForSubscribersAsync(probe, channel, 0);
        await WaitForSubscribersAsync(probe, other, 0);

        await using var again = await host.OpenStreamAsync($"?channel={channel}");
        Assert.Equal(1, await probe.SubscriberCountAsync(channel));
        Assert.Equal(1, await host.Publisher.PublishAsync("subscribed again", channel: channel));
        Assert.Equal("subscribed again", (await again.NextAsync()).Data);
    }

    [Fact]
    public async Task A_stream_opened_while_the_last_ones_unsubscribe_is_under_way_still_gets_events()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        var channel = $"race-{Guid.NewGuid():N}";
        var current = await host.OpenStreamAsync($"?channel={channel}");
        try
        {
            for (var i = 0; i < 20; i++)
            {
                await current.DisposeAsync();
                current = await host.OpenStreamAsync($"?channel={channel}");
                await host.Publisher.PublishAsync($"round {i}", channel: channel);
                Assert.Equal($"round {i}", (await current.NextAsync()).Data);
            }
        }
        finally
        {
            await current.DisposeAsync();
        }

        await WaitForSubscribersAsync(probe, channel, 0);
    }

    [Fact]
    public async Task The_process_keeps_one_redis_connection_however_many_streams_are_open()
    {
        // A Redis of this test's own, so that no other host's connections are counted.
        await using var server = await RedisServer.StartAsync();
        await using var probe = await RedisProbe.ConnectAsync(server);
        await using var host = await SseTestHost.StartAsync(server.Url, environment: "Production");
        var channels = Enumerable.Range(0, 10).Select(i => $"conn{i}-{Guid.NewGuid():N}").ToArray();
        var streams = new List<(string Channel, SseTestClient Stream)>();
        try
        {
            streams.Add((channels[0], await host.OpenStreamAsync($"?channel={channels[0]}")));
            await host.Publisher.PublishAsync("warm", channel: channels[0]);
            await streams[0].Stream.NextAsync();

            // One multiplexer is two sockets: the interactive one and the subscription one.
            var withOneStream = await probe.ClientCountAsync("SseFunctions");
            Assert.InRange(withOneStream, 1, 2);

            for (var i = 1; i < 50; i++)
            {
                var channel = channels[i % channels.Length];
                streams.Add((channel, await host.OpenStreamAsync($"?channel={channel}")));
            }

            Assert.Equal(withOneStream, await probe.ClientCountAsync("SseFunctions"));
            foreach (var channel in channels)
            {
                Assert.Equal(1, await probe.SubscriberCountAsync(channel));
                Assert.Equal(1, await host.Publisher.PublishAsync($"to {channel}", channel: channel));
            }

            foreach (var (channel, stream) in streams)
            {
                Assert.Equal($"to {channel}", (await stream.NextAsync()).Data);
            }

            Assert.Equal(withOneStream, await probe.ClientCountAsync("SseFunctions"));
        }
        finally
        {
            foreach (var (_, stream) in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static async Task WaitForSubscribersAsync(RedisProbe probe, string channel, long expected)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        long count;
        while ((count = await probe.SubscriberCountAsync(channel)) != expected)
        {
            try
            {
                // Polling Redis for a state another process reaches; the deadline, not this delay, bounds the wait.
                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"PUBSUB NUMSUB {channel} stayed {count}, expected {expected}.");
            }
        }
    }
}
