using System.Diagnostics;
using System.Globalization;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>
/// <c>redis-cli</c>, for what a test does to its Redis from outside the client under test: building a cluster,
/// failing it over, reading what each node says about itself.
/// </summary>
public static class RedisCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs one command against the node on <paramref name="port"/>; returns its output, or throws on failure.</summary>
    public static Task<string> RunAsync(int port, params string[] command) =>
        RunAsync(["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. command]);

    /// <summary>Runs <c>redis-cli</c> with these arguments; returns its output, or throws with what it printed.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(deadline.Token);
        var text = await output;

        // redis-cli exits with 0 after a server error reply; such a reply is a failure for a test too.
        if (process.ExitCode != 0 || text.StartsWith("ERR", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"redis-cli {string.Join(' ', startInfo.ArgumentList)} failed ({process.ExitCode}): {text}{await error}");
        }

        return text;
    }

    /// <summary>A field of an INFO-like reply (<c>name:value</c> lines), or null.</summary>
    public static string? Field(string reply, string name) =>
        reply.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(line => line[(name.Length + 1)..])
            .FirstOrDefault();
}
