using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Output;

/// <summary>
/// A stream served the way an Azure Functions HTTP trigger serves it: the function returns <c>req.StreamSse(token)</c>,
/// where the token is the invocation's <c>FunctionContext.CancellationToken</c>. An invocation that outlives
/// <c>functionTimeout</c> makes the host restart the whole worker, so the stream must end by itself, and on shutdown.
/// </summary>
public sealed class FunctionStreamLifetimeTests : IDisposable
{
    private readonly CancellationTokenSource _invocation = new();

    [Fact]
    public async Task Cancelling_the_invocation_token_ends_the_stream()
    {
        await using var host = await StartAsync();
        await using var stream = await SseTestClient.OpenAsync(host.Client, "/fn?channel=invocation");
        await host.Publisher.PublishAsync("live", channel: "invocation");
        Assert.Equal("live", (await stream.NextAsync()).Data);

        await _invocation.CancelAsync();

        await stream.Ended.WaitAsync(SseTestClient.Patience);
    }

    [Fact]
    public async Task The_stream_ends_by_itself_at_MaxStreamDuration_after_sending_a_retry_hint()
    {
        var maxDuration = TimeSpan.FromSeconds(1);
        await using var host = await StartAsync(options =>
        {
            options.MaxStreamDuration = maxDuration;
            options.MaxStreamDurationJitter = TimeSpan.Zero;
            options.ReconnectInterval = TimeSpan.FromMilliseconds(2500);
        });
        var clock = Stopwatch.StartNew();
        await using var stream = await SseTestClient.OpenAsync(host.Client, "/fn");

        var events = await stream.ReadToEndAsync();

        Assert.True(clock.Elapsed >= maxDuration * 0.9, $"The stream ended after {clock.Elapsed}, before its maximum duration.");
        Assert.Empty(events);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), stream.ReconnectionInterval);
        Assert.False(_invocation.IsCancellationRequested);
    }

    [Fact]
    public async Task Host_shutdown_ends_an_open_stream_gracefully()
    {
        await using var host = await StartAsync();
        await using var stream = await SseTestClient.OpenAsync(host.Client, "/fn?channel=shutdown");
        await host.Publisher.PublishAsync("before", channel: "shutdown");
        Assert.Equal("before", (await stream.NextAsync()).Data);

        // Kestrel waits for open requests while it stops, so this completes only because the stream ended.
        await host.App.StopAsync().WaitAsync(SseTestClient.Patience);

        await stream.Ended.WaitAsync(SseTestClient.Patience);
    }

    [Fact]
    public async Task The_function_stream_applies_the_same_channel_rules_and_authorization_as_MapSse()
    {
        await using var host = await StartAsync(options => options.AuthorizeChannel =
            static (_, channel) => ValueTask.FromResult(channel != "secret"));

        using var badChannel = await host.Client.GetAsync(new Uri("/fn?channel=", UriKind.Relative));
        using var denied = await host.Client.GetAsync(new Uri("/fn?channel=secret", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, badChannel.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    public void Dispose() => _invocation.Dispose();

    private Task<SseTestHost> StartAsync(Action<SseOptions>? configure = null)
    {
        var token = _invocation.Token;
        return SseTestHost.StartAsync(
            redisUrl: null,
            configure,
            map: app => app.MapGet("/fn", (HttpRequest req) => req.StreamSse(token)));
    }
}
