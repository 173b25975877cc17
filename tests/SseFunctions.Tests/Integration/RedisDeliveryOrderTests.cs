using System.Net.ServerSentEvents;
using SseFunctions.Events;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// Order is the package's, whatever order or thread the Redis client calls back on: a stream of several channels gets
/// every event once, in position order, and an id another program chose is passed on without ordering anything.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisDeliveryOrderTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Publishers = 8;
    private const int EventsPerPublisher = 500;

    [Fact]
    public async Task Streams_on_two_channels_with_eight_racing_publishers_get_every_event_once_in_position_order()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        var a = $"order-a-{Guid.NewGuid():N}";
        var b = $"order-b-{Guid.NewGuid():N}";
        var streams = new List<SseTestClient>();
        for (var i = 0; i < 3; i++)
        {
            streams.Add(await host.OpenStreamAsync($"?channel={a}&channel={b}"));
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Publishers).Select(publisher => Task.Run(async () =>
            {
                for (var i = 0; i < EventsPerPublisher; i++)
                {
                    await host.Publisher.PublishAsync($"{publisher}.{i}", channel: i % 2 == 0 ? a : b);
                }
            })));

            foreach (var stream in streams)
            {
                var received = new List<SseItem<string>>();
                while (received.Count < Publishers * EventsPerPublisher)
                {
                    received.Add(await stream.NextAsync());
                }

                Assert.Equal(Publishers * EventsPerPublisher, received.Select(item => item.Data).Distinct().Count());
                var positions = received.Select(item => Assert.IsType<EventPosition>(Parse(item.EventId))).ToList();
                Assert.Equal(positions.Order(), positions);
                Assert.Equal(positions.Count, positions.Distinct().Count());
                for (var publisher = 0; publisher < Publishers; publisher++)
                {
                    var own = received.Select(item => item.Data).Where(data => data.StartsWith($"{publisher}.", StringComparison.Ordinal));
                    Assert.Equal(Enumerable.Range(0, EventsPerPublisher).Select(i => $"{publisher}.{i}"), own);
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_position_shaped_id_another_program_published_is_passed_on_and_the_packages_events_and_resumes_still_work()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        var channel = $"foreign-{Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        Assert.Equal(1, await probe.PublishRawAsync(channel, """{"data":"x","id":"99999999999999-0"}"""));
        await host.Publisher.PublishAsync("ours-1", channel: channel);

        var foreign = await stream.NextAsync();
        Assert.Equal(("x", "99999999999999-0"), (foreign.Data, foreign.EventId));
        var ours = await stream.NextAsync();
        Assert.Equal("ours-1", ours.Data);
        Assert.NotNull(Parse(ours.EventId));

        // The hub's last position did not jump ahead: a resume after our event gets what followed it, from history.
        await host.Publisher.PublishAsync("ours-2", channel: channel);
        await host.Publisher.PublishAsync("ours-3", channel: channel);
        Assert.Equal("ours-2", (await stream.NextAsync()).Data);
        Assert.Equal("ours-3", (await stream.NextAsync()).Data);
        await using var resumed = await host.OpenStreamAsync($"?channel={channel}", lastEventId: ours.EventId);
        Assert.Equal(["ours-2", "ours-3"], [(await resumed.NextAsync()).Data, (await resumed.NextAsync()).Data]);
    }

    private static EventPosition? Parse(string? id) => EventPosition.TryParse(id, out var position) ? position : null;
}
