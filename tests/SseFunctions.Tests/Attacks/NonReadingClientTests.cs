using System.Diagnostics;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;
using SseFunctions.Tests.Resilience;
using Xunit.Abstractions;

namespace SseFunctions.Tests.Attacks;

/// <summary>What clients that stop reading cost the server on busy channels, and what they cost everyone else.</summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class NonReadingClientTests(ITestOutputHelper output)
{
    private const int EventSize = 60 * 1000;

    // Per client that stopped reading: a batch the writer wrote (64 KiB) and Kestrel's buffer; frames are shared.
    private const long BoundPerClient = 2L * 1024 * 1024;

    [Fact]
    public async Task Twenty_clients_that_stopped_reading_on_a_busy_channel_hold_little_and_are_cut_while_a_reader_gets_everything()
    {
        const int stalledClients = 20;
        const int events = 300;
        await using var attack = await AttackHost.StartAsync(writeTimeout: TimeSpan.FromSeconds(3));
        var (host, metrics) = (attack.Host, attack.Metrics);
        var channel = $"busy-{Guid.NewGuid():N}";
        await using var reader = await host.OpenStreamAsync($"?channel={channel}");
        var stalled = new List<StalledReader>();
        try
        {
            for (var i = 0; i < stalledClients; i++)
            {
                stalled.Add(await StalledReader.OpenAsync(host.BaseAddress, $"/stream?channel={channel}"));
            }

            await host.Publisher.PublishAsync("first", channel: channel);
            foreach (var client in stalled)
            {
                await client.ReadFirstEventAsync();
            }

            Assert.Equal("first", (await reader.NextAsync()).Data);
            var before = ServerMemory.Live();
            var publishes = new PublishTimings();
            var started = Stopwatch.GetTimestamp();
            var data = new string('x', EventSize);
            var received = Task.Run(async () =>
            {
                for (var i = 0; i < events; i++)
                {
                    Assert.Equal(EventSize, (await reader.NextAsync()).Data.Length);
                }
            });
            for (var i = 0; i < events; i++)
            {
                await publishes.TimeAsync(() => host.Publisher.PublishAsync(data, channel: channel));
            }

            var held = ServerMemory.Live() - before;
            await received.WaitAsync(SseTestClient.Patience);
            Assert.True(
                await metrics.WaitForAsync("sse.streams.ended_slow", stalledClients, SseTestClient.Patience),
                $"{stalledClients - metrics.Total("sse.streams.ended_slow")} of {stalledClients} clients that stopped reading are still served.");
            var allCut = Stopwatch.GetElapsedTime(started);

            output.WriteLine($"{stalledClients} clients that stopped reading and one reader on a channel of {events} events of {EventSize / 1000} KB ({events * (long)EventSize / 1_000_000} MB):");
            output.WriteLine($"server memory held after publishing: {ServerMemory.Megabytes(held)} (the frames queued for them, shared by all); all of them cut {allCut.TotalSeconds:0.0} s after the first publish (Sse:WriteTimeout 3 s).");
            output.WriteLine($"Publishes meanwhile: {publishes}. The reader received all {events}.");

            Assert.True(held < BoundPerClient * stalledClients, $"The server holds {held:N0} bytes for {stalledClients} clients that stopped reading.");
            Assert.Empty(publishes.Failures);
            Assert.Equal(1, metrics.Total("sse.streams.open"));
        }
        finally
        {
            foreach (var client in stalled)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Resumers_of_ten_channels_each_that_never_read_hold_about_one_page_each()
    {
        const int channels = 10;
        const int resumers = 20;
        await using var attack = await AttackHost.StartAsync(writeTimeout: TimeSpan.FromMinutes(10));
        var (host, metrics) = (attack.Host, attack.Metrics);
        var names = Enumerable.Range(0, channels).Select(i => $"many-{i}-{Guid.NewGuid():N}").ToList();
        var data = new string('x', EventSize);
        foreach (var name in names)
        {
            await ReplayFloodTests.FillHistoryAsync(host.Publisher, name, data, 50);
        }

        var before = ServerMemory.Live();
        var query = string.Join('&', names.Select(name => $"channel={name}"));
        var clients = await Task.WhenAll(Enumerable.Range(0, resumers).Select(_ =>
            StalledReader.OpenAsync(host.BaseAddress, $"/stream?{query}&lastEventId=1-0")));
        try
        {
            await ReplayFloodTests.WaitUntilSettledAsync(metrics, "sse.events.replayed", atLeast: resumers);
            var held = ServerMemory.Live() - before;
            output.WriteLine($"{resumers} resumers of {channels} channels of 50 events of {EventSize / 1000} KB each that never read: {ServerMemory.Megabytes(held)} held in all, {ServerMemory.Megabytes(held / resumers)} per resumer.");
            Assert.True(held < 4L * 1024 * 1024 * resumers, $"The server holds {held:N0} bytes for {resumers} resumers that read nothing.");
            Assert.Equal(resumers, metrics.Total("sse.streams.open"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
