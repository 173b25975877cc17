using AspNetCoreSample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// The ASP.NET Core sample, exactly as <c>dotnet run</c> builds it, on a real Kestrel at <c>127.0.0.1:0</c> in the
/// Production environment with the test's redis-server, plus a <see cref="StreamLog"/> of its stream requests.
/// </summary>
public sealed class SampleHost : IAsyncDisposable
{
    private SampleHost(WebApplication app, Uri baseAddress, StreamLog streams)
    {
        App = app;
        BaseAddress = baseAddress;
        Streams = streams;
    }

    public WebApplication App { get; }

    /// <summary>The page's address; the stream is at <c>stream</c> and the greeting at <c>hello</c> relative to it.</summary>
    public Uri BaseAddress { get; }

    public StreamLog Streams { get; }

    public ISsePublisher Publisher => App.Services.GetRequiredService<ISsePublisher>();

    /// <summary>Starts the sample; <paramref name="options"/> changes its SSE options after the sample's own.</summary>
    public static async Task<SampleHost> StartAsync(RedisServer redis, Action<SseOptions>? options = null)
    {
        var streams = new StreamLog();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",

            // The page comes from the copy of the sample's wwwroot next to the tests.
            "--contentRoot", AppContext.BaseDirectory,
            "--SSE_REDIS_URL", redis.Url,
        ];
        var app = SampleApp.Create(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IStartupFilter>(new StreamLogStartupFilter(streams, "/stream"));
            if (options is not null)
            {
                builder.Services.Configure(options);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SampleHost(app, new Uri(address + "/"), streams);
    }

    /// <summary>The sample page's address, with <c>?channel=</c> for each channel given.</summary>
    public string PageUrl(params string[] channels) =>
        new Uri(BaseAddress, channels.Length == 0 ? string.Empty : "?" + string.Join('&', channels.Select(channel => "channel=" + Uri.EscapeDataString(channel)))).ToString();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
