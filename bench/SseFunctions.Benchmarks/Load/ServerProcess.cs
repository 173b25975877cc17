using System.Diagnostics;
using SseFunctions.Benchmarks.Server;

namespace SseFunctions.Benchmarks.Load;

/// <summary>A benchmark server in its own process, pinned to the server core, so that its memory and CPU are its own.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    /// <summary>Starts a server; what it logs (warnings and errors only) goes to <paramref name="log"/>.</summary>
    public static async Task<ServerProcess> StartAsync(ServerKind kind, string redisConfiguration, string channel, TextWriter log)
    {
        var startInfo = CpuPinning.SelfStartInfo(
            CpuPinning.ServerCore,
            ["server", "--kind", kind.ToString().ToLowerInvariant(), "--redis", redisConfiguration, "--channel", channel]);
        startInfo.RedirectStandardOutput = true;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("The benchmark server did not start.");
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(BenchServer.ListeningPrefix, StringComparison.Ordinal))
            {
                _ = ForwardAsync(process.StandardOutput, kind, log);
                return new ServerProcess(process, new Uri(line[BenchServer.ListeningPrefix.Length..]));
            }
        }

        process.Dispose();
        throw new InvalidOperationException($"The {kind} server exited before it listened.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task ForwardAsync(StreamReader output, ServerKind kind, TextWriter log)
    {
        while (await output.ReadLineAsync() is { } line)
        {
            log.WriteLine($"    {kind} server: {line}");
        }
    }
}
