using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Resilience;

/// <summary>What a stalled client costs the server: a bounded queue, whatever is published to it.</summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class StalledClientMemoryTests
{
    private const int EventSize = 32 * 1024;
    private const int EventCount = 2_000;

    [Fact]
    public async Task Publishing_many_megabytes_to_a_client_that_reads_nothing_grows_the_server_by_far_less()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options =>
            {
                options.StreamQueueCapacity = 16;
                options.HistoryMaxLength = 10;
            },
            environment: "Production");
        using var metrics = new MetricRecorder(host.Services);
        var channel = $"memory-{Guid.NewGuid():N}";
        using var stalled = await StalledReader.OpenAsync(host.BaseAddress, $"/stream?channel={channel}");
        await host.Publisher.PublishAsync("first", channel: channel);
        await stalled.ReadFirstEventAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var data = new string('x', EventSize);
        for (var i = 0; i < EventCount; i++)
        {
            await host.Publisher.PublishAsync(data, channel: channel);
        }

        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;

        const long published = (long)EventSize * EventCount;
        Assert.True(growth < published / 8, $"The server grew by {growth:N0} bytes while {published:N0} were published to a client that read nothing.");
        Assert.Equal(1, metrics.Total("sse.streams.ended_slow"));
        Assert.True(await stalled.WaitUntilServerClosedAsync(SseTestClient.Patience), "The server still holds the stalled stream open.");
    }
}
