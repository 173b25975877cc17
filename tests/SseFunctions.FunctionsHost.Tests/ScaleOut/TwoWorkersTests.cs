using SseFunctions.FunctionsHost.Tests.Infrastructure;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.ScaleOut;

/// <summary>Two instances of the app, each a host with its worker, sharing one Redis, as a scaled-out Premium plan runs it.</summary>
public sealed class TwoWorkersTests
{
    [Fact]
    public async Task A_hello_through_one_worker_reaches_a_stream_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        var hosts = await Task.WhenAll(SampleApp.StartAsync(redis), SampleApp.StartAsync(redis));
        await using var first = hosts[0];
        await using var second = hosts[1];
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();
        await using var stream = await Streams.OpenAsync(secondClient, "api/stream");

        using var hello = await firstClient.GetAsync("api/hello");

        Assert.Equal("Message sent!", await hello.Content.ReadAsStringAsync());
        var greeting = await stream.NextAsync();
        Assert.Equal(("greeting", """{"message":"Hello!"}"""), (greeting.EventType, greeting.Data));
        Assert.NotEqual(first.WorkerProcessId, second.WorkerProcessId);
    }

    [Fact]
    public async Task After_a_worker_is_killed_under_a_stream_the_client_resumes_on_the_other_and_gets_every_event_once_in_order()
    {
        await using var redis = await RedisServer.StartAsync();
        var hosts = await Task.WhenAll(SampleApp.StartAsync(redis), SampleApp.StartAsync(redis));
        await using var doomed = hosts[0];
        await using var survivor = hosts[1];
        using var doomedClient = doomed.CreateClient();
        using var survivorClient = survivor.CreateClient();
        var channel = "scale-in-" + Guid.NewGuid().ToString("N");
        var path = "api/stream?channel=" + channel;

        await using var before = await Streams.OpenAsync(doomedClient, path);
        await PublishAsync(survivorClient, channel, "event 0");
        var seen = await before.NextAsync();
        Assert.Equal("event 0", seen.Data);

        await doomed.KillWorkerAsync();
        var cut = await Record.ExceptionAsync(() => before.Ended.WaitAsync(SseTestClient.Patience));
        Assert.False(cut is TimeoutException, "The stream on the killed worker did not end.");
        for (var i = 1; i <= 5; i++)
        {
            await PublishAsync(survivorClient, channel, $"event {i}");
        }

        await using var after = await Streams.OpenAsync(survivorClient, path, lastEventId: seen.EventId);
        await PublishAsync(survivorClient, channel, "event 6");

        for (var i = 1; i <= 6; i++)
        {
            Assert.Equal($"event {i}", (await after.NextAsync()).Data);
        }

        Assert.False(after.TryTake(out var extra), $"An event arrived twice or out of turn: {extra.Data}");
    }

    private static async Task PublishAsync(HttpClient client, string channel, string data)
    {
        using var published = await client.PostAsync("api/publish", System.Net.Http.Json.JsonContent.Create(new { data, channel }));
        Assert.Equal(System.Net.HttpStatusCode.OK, published.StatusCode);
    }
}
