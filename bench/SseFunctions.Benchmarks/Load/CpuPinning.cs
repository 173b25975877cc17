using System.Diagnostics;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Runs the benchmark's processes on fixed cores with <c>taskset</c>: the server alone on one, Redis and the load program
/// on the other. Unpinned, the scheduler moves them around and saturation figures swing by a third from run to run.
/// </summary>
internal static class CpuPinning
{
    public const int ServerCore = 0;
    public const int LoadCore = 1;

    /// <summary>Set in the re-launched load program, so that it does not re-launch itself again.</summary>
    private const string PinnedVariable = "SSE_BENCH_PINNED";

    /// <summary>The machine's cores, not this process's: the pinned load program sees only its own.</summary>
    public static int MachineCores { get; } = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").Count(line => line.StartsWith("processor", StringComparison.Ordinal))
        : Environment.ProcessorCount;

    public static bool Available { get; } = MachineCores >= 2 && File.Exists("/usr/bin/taskset");

    public static bool IsPinnedLoadProgram => Environment.GetEnvironmentVariable(PinnedVariable) == "1";

    /// <summary>The start info of this benchmark program with <paramref name="arguments"/>, on <paramref name="core"/> when pinning is available.</summary>
    public static ProcessStartInfo StartInfo(int? core, string program, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(Available && core is not null ? "taskset" : program) { UseShellExecute = false };
        if (Available && core is not null)
        {
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(core.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            startInfo.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>This program itself, whether started through its apphost or as <c>dotnet SseFunctions.Benchmarks.dll</c>.</summary>
    public static ProcessStartInfo SelfStartInfo(int? core, IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            arguments = [typeof(CpuPinning).Assembly.Location, .. arguments];
        }

        return StartInfo(core, host, arguments);
    }

    /// <summary>
    /// Runs the load program again on its core, with inline socket completions (thousands of reads a millisecond are
    /// handled on the epoll thread instead of one thread-pool hop each), and returns its exit code.
    /// </summary>
    public static async Task<int> RelaunchPinnedAsync(IEnumerable<string> arguments)
    {
        var startInfo = SelfStartInfo(LoadCore, arguments);
        startInfo.Environment[PinnedVariable] = "1";
        startInfo.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the load program.");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
