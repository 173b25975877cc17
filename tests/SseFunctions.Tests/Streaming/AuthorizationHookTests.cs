using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Streaming;

public sealed class AuthorizationHookTests
{
    [Theory]
    [InlineData("?channel=%01", "control character (U+0001)")]
    [InlineData("?channel=", "must not be empty")]
    [InlineData("?channel=a&channel=b&channel=c", "Sse:MaxChannelsPerStream")]
    public async Task A_bad_channel_request_gets_400_with_the_reason_and_the_hook_is_not_asked(string query, string reason)
    {
        var calls = new ConcurrentQueue<string>();
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options =>
        {
            options.MaxChannelsPerStream = 2;
            options.AuthorizeChannel = (_, channel) =>
            {
                calls.Enqueue(channel);
                return ValueTask.FromResult(true);
            };
        });

        using var response = await host.Client.GetAsync("/stream" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(calls);
    }

    [Fact]
    public async Task A_denied_channel_gets_403_naming_it_after_the_hook_saw_the_request_and_each_channel()
    {
        var calls = new ConcurrentQueue<(string Path, string? Query, string Channel)>();
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.AuthorizeChannel = (context, channel) =>
        {
            calls.Enqueue((context.Request.Path.Value!, context.Request.Query["tenant"], channel));
            return ValueTask.FromResult(channel != "secret");
        });

        using var response = await host.Client.GetAsync("/stream?channel=public&channel=secret&tenant=t1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("This request may not listen to channel 'secret'.", await response.Content.ReadAsStringAsync());
        Assert.Equal([("/stream", "t1", "public"), ("/stream", "t1", "secret")], calls);
    }

    [Fact]
    public async Task When_the_hook_allows_every_channel_the_stream_opens()
    {
        var calls = new ConcurrentQueue<string>();
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.AuthorizeChannel = (_, channel) =>
        {
            calls.Enqueue(channel);
            return ValueTask.FromResult(true);
        });

        using var response = await host.Client.GetAsync("/stream?channel=a&channel=b", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["a", "b"], calls);
    }

    [Fact]
    public async Task The_default_channel_is_what_the_hook_is_asked_about_when_none_is_named()
    {
        var calls = new ConcurrentQueue<string>();
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.AuthorizeChannel = (_, channel) =>
        {
            calls.Enqueue(channel);
            return ValueTask.FromResult(false);
        });

        using var response = await host.Client.GetAsync("/stream");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["sse"], calls);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.Forbidden)]
    public async Task An_asynchronous_hook_is_awaited(bool allow, HttpStatusCode expected)
    {
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options => options.AuthorizeChannel = DecideLaterAsync);

        using var response = await host.Client.GetAsync("/stream?channel=news", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(expected, response.StatusCode);

        async ValueTask<bool> DecideLaterAsync(HttpContext context, string channel)
        {
            await Task.Yield();
            await Task.Delay(1, context.RequestAborted);
            return allow;
        }
    }

    [Fact]
    public async Task A_denied_request_has_subscribed_to_nothing()
    {
        await using var host = await SseTestHost.StartAsync(redisUrl: null, options =>
            options.AuthorizeChannel = (_, channel) => ValueTask.FromResult(channel != "secret"));

        using var response = await host.Client.GetAsync("/stream?channel=public&channel=secret");
        var receivers = await host.Publisher.PublishAsync("x", channel: "public");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, receivers);
    }
}
