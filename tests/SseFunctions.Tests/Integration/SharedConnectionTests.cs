using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseFunctions.Tests.Infrastructure;
using StackExchange.Redis;

namespace SseFunctions.Tests.Integration;

/// <summary>An app that has its own multiplexer hands it to AddSse, beside the Redis cache: the process keeps one.</summary>
[Trait("Category", "Redis")]
public sealed class SharedConnectionTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Beside_the_redis_cache_events_and_caching_share_one_multiplexer_which_the_package_leaves_open()
    {
        var name = $"app-{Guid.NewGuid():N}";
        var configuration = ConfigurationOptions.Parse(
            $"127.0.0.1:{redis.Server.Port},abortConnect=false" + (RedisServer.Protocol is { } protocol ? $",protocol={protocol}" : string.Empty));
        configuration.ClientName = name;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["SSE_REDIS_URL"] = string.Empty;
        builder.Configuration["REDIS_URL"] = string.Empty;
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        builder.Services.AddStackExchangeRedisCache(options =>
            options.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(multiplexer));
        builder.Services.AddSse(provider => provider.GetRequiredService<IConnectionMultiplexer>());
        var app = builder.Build();
        app.MapSse("/stream");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        await using var probe = await RedisProbe.ConnectAsync(redis.Server);
        using (var http = new HttpClient { BaseAddress = new Uri(address) })
        {
            var channel = $"shared-{Guid.NewGuid():N}";
            await using var stream = await SseTestClient.OpenAsync(http, $"/stream?channel={channel}");
            await app.Services.GetRequiredService<IDistributedCache>().SetStringAsync("shared-key", "cached");
            await app.Services.GetRequiredService<ISsePublisher>().PublishAsync("hello", channel: channel);

            Assert.Equal("hello", (await stream.NextAsync()).Data);
            Assert.Equal("cached", await app.Services.GetRequiredService<IDistributedCache>().GetStringAsync("shared-key"));

            // One multiplexer's sockets (interactive, and subscription under RESP2), and none of the package's own.
            Assert.InRange(await probe.ClientCountAsync(name), 1, 2);
            Assert.Equal(0, await probe.ClientCountAsync("SseFunctions"));
        }

        // The package lets go of its subscriptions and nothing more (the cache's own disposal closes what it was given).
        await app.Services.GetRequiredService<SseFunctions.Brokers.ISseBroker>().DisposeAsync();
        Assert.True(multiplexer.IsConnected);
        Assert.Equal("cached", (string?)await multiplexer.GetDatabase().HashGetAsync("shared-key", "data"));
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
