using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>
/// A real Kestrel on <c>127.0.0.1:0</c> serving <c>MapSse("/stream")</c> with the options a test gives, and the
/// publisher and services of that app for the test to use.
/// </summary>
public sealed class SseTestHost : IAsyncDisposable
{
    private SseTestHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public ISsePublisher Publisher => App.Services.GetRequiredService<ISsePublisher>();

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Starts a host; <paramref name="redisUrl"/> null means the in-memory broker (Development). <paramref name="build"/>
    /// adds to the app's builder (a logger provider, say) before it is built.
    /// </summary>
    public static async Task<SseTestHost> StartAsync(
        string? redisUrl,
        Action<SseOptions>? configure = null,
        Action<WebApplication>? map = null,
        string environment = "Development",
        Action<WebApplicationBuilder>? build = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddDebug();
        // Always set, so that a machine's own SSE_REDIS_URL or REDIS_URL never turns an in-memory test into a Redis one.
        builder.Configuration["SSE_REDIS_URL"] = redisUrl ?? string.Empty;
        builder.Configuration["REDIS_URL"] = string.Empty;

        builder.Services.AddSse(options => configure?.Invoke(options));
        build?.Invoke(builder);
        var app = builder.Build();
        app.MapSse("/stream");
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SseTestHost(app, new Uri(address));
    }

    public async Task<SseTestClient> OpenStreamAsync(string query = "", string? lastEventId = null) =>
        await SseTestClient.OpenAsync(Client, "/stream" + query, lastEventId);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
