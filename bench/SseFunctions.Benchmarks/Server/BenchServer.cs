using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SseFunctions.Benchmarks.Server;

/// <summary>
/// The server process of a run: Kestrel on a free loopback port with either fan-out at <c>/stream</c>, configured
/// identically otherwise, plus two endpoints the load program reads the server's own figures from.
/// </summary>
internal static class BenchServer
{
    /// <summary>What the server prints once it listens; the load program reads the address after it.</summary>
    public const string ListeningPrefix = "listening ";

    private static readonly TimeSpan SignalRClientTimeout = TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(ServerKind kind, string redisConfiguration, string channel)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Only warnings and errors, on one line each: the load program passes them on, and a quiet server costs nothing.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var baseline = kind == ServerKind.Baseline ? await BaselineFanOut.StartAsync(redisConfiguration, channel) : null;
        switch (kind)
        {
            case ServerKind.Package:
                builder.Services.AddSse(options => options.RedisUrl = redisConfiguration);
                break;
            case ServerKind.SignalR:
                // Defaults but one: the load's clients send no pings (a browser's sends one every 15 s), so the server
                // must not end them for silence; the pings a real client sends would cost SignalR more, not less.
                builder.Services
                    .AddSignalR(options => options.ClientTimeoutInterval = SignalRClientTimeout)
                    .AddStackExchangeRedis(redisConfiguration);
                break;
        }

        using var poolGrowth = new KestrelPoolGrowth();
        await using var app = builder.Build();
        switch (kind)
        {
            case ServerKind.Package:
                app.MapSse("/stream");
                break;
            case ServerKind.SignalR:
                app.MapHub<BenchHub>(BenchHub.Path);
                break;
            default:
                app.MapGet("/stream", baseline!.HandleAsync);
                break;
        }

        // Bytes allocated by the whole process so far, and of those the bytes Kestrel's block pool allocated as it grew,
        // read together (the pool first, so it never exceeds the total): a saturated server may take a while to answer a
        // second request, and the load program divides the differences by the deliveries.
        app.MapGet("/bench/allocated", () =>
        {
            var pool = poolGrowth.Allocated;
            return string.Create(CultureInfo.InvariantCulture, $"{GC.GetTotalAllocatedBytes(precise: true)} {pool}");
        });

        // A full collection before memory is sampled, so that RSS counts what streams keep rather than passing garbage.
        app.MapGet("/bench/collect", () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return Results.Ok();
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Console.WriteLine(ListeningPrefix + address);
        await app.WaitForShutdownAsync();
        return 0;
    }
}
