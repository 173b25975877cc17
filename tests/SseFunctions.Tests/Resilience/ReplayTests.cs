using System.Diagnostics.Metrics;
using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SseFunctions.Diagnostics;
using SseFunctions.Streaming;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// The switch from replay to live on one stream, driven through a scripted broker so that publishes land exactly
/// between the history reads of a stream's channels.
/// </summary>
public sealed class ReplayTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ScriptedBroker _broker = new();
    private readonly SseOptions _options = new() { ReconnectInterval = null };
    private readonly ChannelHub _hub;
    private readonly StreamSupervisor _supervisor;
    private readonly SseStreamHandler _handler;

    public ReplayTests()
    {
        var metrics = new SseMetrics(_services.GetRequiredService<IMeterFactory>());
        _hub = new ChannelHub(_broker, _options, metrics, NullLogger<ChannelHub>.Instance);
        _supervisor = new StreamSupervisor(_options, TimeProvider.System);
        _handler = new SseStreamHandler(_hub, _supervisor, _broker, _options, metrics, TimeProvider.System, NullLogger<SseStreamHandler>.Instance);
    }

    [Fact]
    public async Task Events_published_between_the_history_reads_of_two_channels_arrive_once_in_order()
    {
        var resumeFrom = _broker.Publish("a", "a1");
        _broker.Publish("a", "a2");
        _broker.Publish("b", "b2");
        var published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        _broker.BeforeRead = channel =>
        {
            if (++reads == 2)
            {
                // The first channel's history was read without this one; the second channel's is read with its own.
                _broker.Publish(channel == "a" ? "b" : "a", "on-the-first-channel-between-the-reads");
                _broker.Publish(channel, "on-the-second-channel-between-the-reads");
                published.SetResult();
            }
        };

        var events = await StreamAsync("?channel=a&channel=b", resumeFrom.ToString(), () => published.Task);

        Assert.Equal(["a2", "b2", "on-the-first-channel-between-the-reads", "on-the-second-channel-between-the-reads"], events.Select(item => item.Data));
    }

    [Fact]
    public async Task An_id_that_is_no_position_is_signalled_as_unknown_and_live_events_follow()
    {
        _broker.Publish("a", "before");

        var events = await StreamAsync("?channel=a", "not-a-position", async () =>
        {
            await WaitUntilAsync(() => _broker.SubscriberCount("a") > 0);
            _broker.Publish("a", "live");
        });

        Assert.Equal(["sse-missed", "message"], events.Select(item => item.EventType));
        Assert.Equal("""{"lastEventId":"not-a-position","reason":"unknown"}""", events[0].Data);
        Assert.Equal("live", events[1].Data);
    }

    [Fact]
    public async Task A_replay_in_many_pages_with_live_events_arriving_between_them_gives_every_event_once_in_order()
    {
        // About nine events per channel and page: the three channels' pages end at different positions.
        _options.ReplayPageSize = 1024;
        var resumeFrom = _broker.Publish("a", "before");
        var expected = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var data = $"history-{i:00}";
            _broker.Publish(((char)('a' + (i % 3))).ToString(), data);
            expected.Add(data);
        }

        var reads = 0;
        _broker.BeforeRead = channel =>
        {
            // A live event on another channel for every read: it is in history for the next page and queued live too.
            var data = $"live-{Interlocked.Increment(ref reads):00}";
            lock (expected)
            {
                _broker.Publish(channel == "c" ? "a" : "c", data);
                expected.Add(data);
            }
        };

        var events = await StreamAsync("?channel=a&channel=b&channel=c", resumeFrom.ToString(), async () =>
        {
            await WaitUntilAsync(() => Volatile.Read(ref reads) >= 3 * 2);
            _broker.BeforeRead = null;
            _broker.Publish("b", "after");
            lock (expected)
            {
                expected.Add("after");
            }
        });

        Assert.True(reads >= 3 * 2, $"The replay took {reads} reads: it was not paged.");
        Assert.Equal(expected, events.Select(item => item.Data));
    }

    [Fact]
    public async Task Past_the_replay_bound_the_client_is_told_it_missed_the_rest_and_goes_on_live()
    {
        _options.ReplayPageSize = 1024;
        _options.MaxReplaySize = 2048;
        var resumeFrom = _broker.Publish("a", "before");
        for (var i = 0; i < 100; i++)
        {
            _broker.Publish("a", $"history-{i:00}");
        }

        var events = await StreamAsync("?channel=a", resumeFrom.ToString(), async () =>
        {
            await WaitUntilAsync(() => _broker.SubscriberCount("a") > 0 && _broker.Reads.Count > 0);
            _broker.Publish("a", "live");
        });

        var replayed = events.TakeWhile(item => item.EventType == "message").ToList();
        Assert.InRange(replayed.Count, 20, 80);
        Assert.Equal(Enumerable.Range(0, replayed.Count).Select(i => $"history-{i:00}"), replayed.Select(item => item.Data));
        Assert.Equal("sse-missed", events[replayed.Count].EventType);
        Assert.Equal($$"""{"lastEventId":"{{resumeFrom}}","reason":"expired"}""", events[replayed.Count].Data);
        Assert.Equal(["live"], events.Skip(replayed.Count + 1).Select(item => item.Data));
    }

    public void Dispose()
    {
        _supervisor.Dispose();
        _hub.Dispose();
        _services.Dispose();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Infrastructure.SseTestClient.Patience);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), deadline.Token);
        }
    }

    /// <summary>Runs one stream while <paramref name="whileOpen"/> runs, ends it as a shutdown would, and parses what it wrote.</summary>
    private async Task<List<SseItem<string>>> StreamAsync(string query, string lastEventId, Func<Task> whileOpen)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        context.Request.Headers["Last-Event-ID"] = lastEventId;
        using var body = new MemoryStream();
        context.Response.Body = body;

        var handling = _handler.HandleAsync(context, CancellationToken.None);
        await whileOpen().WaitAsync(Infrastructure.SseTestClient.Patience);
        _supervisor.Stop();
        await handling.WaitAsync(Infrastructure.SseTestClient.Patience);

        body.Position = 0;
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            events.Add(item);
        }

        return events;
    }
}
