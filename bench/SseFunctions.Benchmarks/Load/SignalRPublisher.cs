using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SseFunctions.Benchmarks.Server;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Publishes as another process of a SignalR app does: <c>IHubContext&lt;BenchHub&gt;.Clients.All.SendAsync</c> on the
/// Redis backplane, which serializes the invocation once and publishes it on the hub's <c>all</c> channel.
/// </summary>
internal sealed class SignalRPublisher : IEventPublisher
{
    private readonly IHost _host;
    private readonly IHubContext<BenchHub> _hub;

    public SignalRPublisher(string redisConfiguration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Production,
        });

        // Named apart from the server's connections, which the benchmark counts by excluding the load program's.
        builder.Services.AddSignalR().AddStackExchangeRedis(
            redisConfiguration,
            options => options.Configuration.ClientName = LoadRun.LoadClientName);
        _host = builder.Build();
        _hub = _host.Services.GetRequiredService<IHubContext<BenchHub>>();
    }

    public Task PublishAsync(string data) => _hub.Clients.All.SendAsync(BenchHub.EventMethod, data);

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        return ValueTask.CompletedTask;
    }
}
