using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// Streams that end on the server's side (their maximum duration, the application stopping) end cleanly after a whole
/// event, and a browser that reconnects with its last event id loses nothing published around the cut.
/// </summary>
public sealed class GracefulEndingTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Streams_ending_at_their_maximum_duration_end_normally_and_resuming_browsers_lose_nothing()
    {
        await using var host = await SseTestHost.StartAsync(
            redis.Server.Url,
            options =>
            {
                options.MaxStreamDuration = TimeSpan.FromSeconds(1);
                options.MaxStreamDurationJitter = TimeSpan.FromMilliseconds(500);

                // The supervisor looks at deadlines four times per heartbeat interval.
                options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            },
            environment: "Production");
        var (a, b) = ($"cut-a-{Guid.NewGuid():N}", $"cut-b-{Guid.NewGuid():N}");
        var ledger = new PublishLedger();
        await using var single = await BrowserSession.StartAsync(host, $"?channel={a}");
        await using var both = await BrowserSession.StartAsync(host, $"?channel={a}&channel={b}", resumeByQuery: true);
        await using var raw = await RawSseReader.OpenAsync(host.Client, $"/stream?channel={a}");

        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                Assert.True(await ledger.TryPublishAsync(host.Publisher, i % 3 == 0 ? b : a, "p", i));

                // Pacing only: a steady stream of events across every cut.
                await Task.Delay(TimeSpan.FromMilliseconds(3));
            }
        });

        await raw.Ended.WaitAsync(SseTestClient.Patience);
        await single.WaitUntilAsync(_ => single.NormalEnds >= 3, "three cuts");
        await both.WaitUntilAsync(_ => both.NormalEnds >= 3, "three cuts");
        await stop.CancelAsync();
        await publishing;
        Assert.True(await ledger.TryPublishAsync(host.Publisher, a, "marker", 0));
        Assert.True(await ledger.TryPublishAsync(host.Publisher, b, "marker", 1));
        await single.WaitUntilAsync(events => ledger.AllAcknowledgedReceived(events, a), "every event of a", events => ledger.Missing(events, a));
        await both.WaitUntilAsync(events => ledger.AllAcknowledgedReceived(events, a, b), "every event", events => ledger.Missing(events, a, b));

        ledger.AssertExactlyOnceInOrder(single.Events, a);
        ledger.AssertExactlyOnceInOrder(both.Events, a, b);
        Assert.Equal(0, single.AbruptEnds + both.AbruptEnds);
        Assert.DoesNotContain(both.Events, item => item.EventType == "sse-missed");

        // The last bytes before the end close a whole event: nothing was cut in the middle of one.
        var text = raw.Text;
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        Assert.Contains("\ndata: p.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_application_ends_open_streams_normally_and_well_within_the_shutdown_timeout()
    {
        var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        try
        {
            var channel = $"stopping-{Guid.NewGuid():N}";
            var streams = new[]
            {
                await host.OpenStreamAsync($"?channel={channel}"),
                await host.OpenStreamAsync($"?channel={channel}&channel=other-{channel}"),
                await host.OpenStreamAsync($"?channel={channel}", "1-0"),
            };
            await host.Publisher.PublishAsync("last", channel: channel);
            foreach (var stream in streams)
            {
                while ((await stream.NextAsync()).Data != "last")
                {
                }
            }

            var clock = Stopwatch.StartNew();
            await host.App.StopAsync();
            clock.Stop();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Stopping took {clock.Elapsed}.");
            foreach (var stream in streams)
            {
                // Completes without an error: the response ended normally, so a browser reconnects elsewhere.
                Assert.Empty(await stream.ReadToEndAsync());
                await stream.DisposeAsync();
            }
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stream_asked_for_while_the_application_stops_is_an_empty_stream_that_makes_the_browser_reconnect()
    {
        await using var host = await SseTestHost.StartAsync(redis.Server.Url, environment: "Production");
        var channel = $"late-{Guid.NewGuid():N}";
        await using var open = await host.OpenStreamAsync($"?channel={channel}");

        // The application is stopping; the server still answers while it drains.
        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await open.Ended.WaitAsync(SseTestClient.Patience);
        await using var late = await host.OpenStreamAsync($"?channel={channel}");

        Assert.Equal(System.Net.HttpStatusCode.OK, late.Response.StatusCode);
        Assert.Equal("text/event-stream", late.Response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await late.ReadToEndAsync());
        Assert.Equal(TimeSpan.FromSeconds(2), late.ReconnectionInterval);
    }
}
