using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Publishes through the package's own <see cref="ISsePublisher"/> with history on, as an app instance does: the Lua
/// script assigns the position id, appends to the history stream and publishes the Flask-SSE envelope in Redis.
/// </summary>
internal sealed class PackagePublisher : IEventPublisher
{
    private readonly IHost _host;
    private readonly ISsePublisher _publisher;
    private readonly string _channel;

    public PackagePublisher(string redisConfiguration, string channel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Production,
        });

        // Named apart from the server's connections, which the benchmark counts by excluding the load program's.
        builder.Services.AddSse(options => options.RedisUrl = redisConfiguration + ",name=" + LoadRun.LoadClientName);
        _host = builder.Build();
        _publisher = _host.Services.GetRequiredService<ISsePublisher>();
        _channel = channel;
    }

    public Task PublishAsync(string data) => _publisher.PublishAsync(data, channel: _channel);

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        return ValueTask.CompletedTask;
    }
}
