using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;
using SseFunctions.Tests.Resilience;
using Xunit.Abstractions;

namespace SseFunctions.Tests.Attacks;

/// <summary>
/// Limits that hold whatever a client does, with no proxy to help: a client that stops reading is found by its stuck
/// write, and a stream ends at its maximum duration and on shutdown even while its writer is stuck on such a client.
/// </summary>
public sealed class HardLimitTests(ITestOutputHelper output)
{
    // Far more than the socket buffers on both sides take (4 MiB at most here), far less than the queue's 1,024 events.
    private const int BurstEvents = 200;
    private const int EventSize = 60 * 1000;

    [Fact]
    public async Task A_client_that_stopped_reading_is_cut_within_the_write_timeout_though_its_queue_is_nearly_empty()
    {
        await using var attack = await AttackHost.StartAsync(writeTimeout: TimeSpan.FromSeconds(2));
        var metrics = attack.Metrics;
        var (stalled, started) = await StallAsync(attack.Host);
        using (stalled)
        {
            // Then the channel goes quiet: only heartbeats would follow, and it would take 1,024 of them to fill the queue.
            Assert.True(
                await metrics.WaitForAsync("sse.streams.ended_slow", 1, SseTestClient.Patience),
                "A stream whose client stopped reading is still open.");
            var detectedAfter = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"A client that stopped reading was cut {detectedAfter.TotalSeconds:0.0} s after the burst that filled its buffers (Sse:WriteTimeout 2 s).");
            Assert.True(await WaitUntilNoStreamAsync(metrics), "The stream was counted as ended but is still open.");
        }
    }

    [Fact]
    public async Task A_stream_ends_at_its_maximum_duration_though_its_client_stopped_reading()
    {
        // The write timeout out of the way: only the maximum duration and the grace after it may end this stream.
        await using var attack = await AttackHost.StartAsync(
            writeTimeout: TimeSpan.FromMinutes(10),
            options =>
            {
                options.MaxStreamDuration = TimeSpan.FromSeconds(3);
                options.MaxStreamDurationJitter = TimeSpan.Zero;
            });
        var metrics = attack.Metrics;
        var opened = Stopwatch.GetTimestamp();
        var (stalled, _) = await StallAsync(attack.Host);
        using (stalled)
        {
            Assert.True(await WaitUntilNoStreamAsync(metrics), "A stream whose client stopped reading outlived its maximum duration by far.");
            var lifetime = Stopwatch.GetElapsedTime(opened);
            output.WriteLine($"A stream of 3 s whose client stopped reading ended after {lifetime.TotalSeconds:0.0} s (the grace is 5 s).");
            // The deadline, a sweep (a second apart) to end it, the grace, a sweep to cut it; the rest is for a loaded machine.
            Assert.True(lifetime < TimeSpan.FromSeconds(3 + 1 + 5 + 1 + 10), $"It ended after {lifetime}.");
        }
    }

    [Fact]
    public async Task Shutdown_ends_a_stream_whose_client_stopped_reading_long_before_the_host_gives_up()
    {
        await using var attack = await AttackHost.StartAsync(
            writeTimeout: TimeSpan.FromMinutes(10),
            build: builder => builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(60)));
        var metrics = attack.Metrics;
        var (stalled, _) = await StallAsync(attack.Host);
        using (stalled)
        {
            var stopping = Stopwatch.GetTimestamp();
            await attack.Host.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(90));
            var stoppedAfter = Stopwatch.GetElapsedTime(stopping);
            output.WriteLine($"Shutdown with a stream stuck on a client that stopped reading took {stoppedAfter.TotalSeconds:0.0} s (HostOptions.ShutdownTimeout 60 s).");
            Assert.True(stoppedAfter < TimeSpan.FromSeconds(20), $"Stopping took {stoppedAfter}: the stuck stream held the host until it gave up.");
            Assert.Equal(0, metrics.Total("sse.streams.open"));
        }
    }

    /// <summary>
    /// Opens a stream that reads its first event and then nothing, and publishes a burst that leaves its writer stuck
    /// in a flush; returns the client and when the burst was published.
    /// </summary>
    internal static async Task<(StalledReader Client, long PublishedAt)> StallAsync(SseTestHost host)
    {
        var channel = $"stall-{Guid.NewGuid():N}";
        var stalled = await StalledReader.OpenAsync(host.BaseAddress, $"/stream?channel={channel}");
        await host.Publisher.PublishAsync("first", channel: channel);
        await stalled.ReadFirstEventAsync();
        var data = new string('x', EventSize);
        for (var i = 0; i < BurstEvents; i++)
        {
            await host.Publisher.PublishAsync(data, channel: channel);
        }

        return (stalled, Stopwatch.GetTimestamp());
    }

    private static Task<bool> WaitUntilNoStreamAsync(MetricRecorder metrics) =>
        metrics.WaitForAsync("sse.streams.open", total => total == 0, 2 * SseTestClient.Patience);
}
