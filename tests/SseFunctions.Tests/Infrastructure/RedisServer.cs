using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> of the test's own on a free loopback port, which a test can stop and start again on the
/// same port to play a Redis outage. Readiness is read from the server's own log, never waited for by the clock.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly IReadOnlyList<string> _extraArguments;
    private Process? _process;

    private RedisServer(int port, IReadOnlyList<string> extraArguments)
    {
        Port = port;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    /// <summary>
    /// The protocol the package speaks in this test run: <c>resp3</c> when <c>SSE_TEST_REDIS_PROTOCOL</c> says so
    /// (eng/test.sh runs the Redis tests under both), else the client's default.
    /// </summary>
    public static string? Protocol => Environment.GetEnvironmentVariable("SSE_TEST_REDIS_PROTOCOL") is { Length: > 0 } protocol ? protocol : null;

    public string Url => Protocol is { } protocol ? $"redis://127.0.0.1:{Port}?protocol={protocol}" : $"redis://127.0.0.1:{Port}";

    /// <param name="extraArguments">More <c>redis-server</c> arguments for the port it got (a cluster node's, an ACL user's).</param>
    public static async Task<RedisServer> StartAsync(Func<int, IEnumerable<string>>? extraArguments = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var server = new RedisServer(port, [.. extraArguments?.Invoke(port) ?? []]);
            try
            {
                await server.StartAgainAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // Another process took the port between our probe and redis-server's bind: try another.
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A server for a free port the test chose, not started yet: a Redis that comes up after its clients, once the
    /// test calls <see cref="StartAgainAsync"/>.
    /// </summary>
    public static RedisServer NotStartedOn(int port) => new(port, []);

    /// <summary>Starts (again) on the same port; completes once the server accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var startInfo = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice",
                 }.Concat(_extraArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                "redis-server is not installed: the integration tests need it (apt-get install -y redis-server; .ci/run does this).",
                exception);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"redis-server on port {Port} exited before it was ready:\n{log}"));
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await ready.Task.WaitAsync(StartTimeout);
    }

    /// <summary>Kills the server at once, as a crash would; clients see their connections drop.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
