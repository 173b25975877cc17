using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SseFunctions.Benchmarks.Load;

/// <summary>A <c>redis-server</c> of the benchmark's own on a free loopback port, on the load program's core.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private ConnectionMultiplexer? _admin;

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Configuration = $"127.0.0.1:{port}";
    }

    /// <summary>A StackExchange.Redis configuration string, which the package's <c>Sse:RedisUrl</c> accepts too.</summary>
    public string Configuration { get; }

    public string Version => Server.Version.ToString();

    private IServer Server => _admin!.GetServer(_admin.GetEndPoints()[0]);

    public static async Task<RedisProcess> StartAsync()
    {
        var port = FreePort();
        var startInfo = CpuPinning.StartInfo(
            CpuPinning.LoadCore,
            "redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"]);
        startInfo.RedirectStandardOutput = true;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        var redis = new RedisProcess(process, port);
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                // Keep draining its log, so that redis-server never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                var configuration = ConfigurationOptions.Parse(redis.Configuration);
                configuration.ClientName = LoadRun.LoadClientName;
                configuration.AllowAdmin = true;
                redis._admin = await ConnectionMultiplexer.ConnectAsync(configuration);
                return redis;
            }
        }

        await redis.DisposeAsync();
        throw new InvalidOperationException("redis-server exited before it was ready (is it installed? apt-get install -y redis-server).");
    }

    /// <summary>Empties Redis between runs, so that no run starts with another's history.</summary>
    public Task FlushAsync() => Server.FlushAllDatabasesAsync();

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
