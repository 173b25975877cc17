using System.Diagnostics;

namespace SseFunctions.Infrastructure.Tests.Bicep;

/// <summary>
/// Runs the Bicep compiler restored from NuGet (Azure.Bicep.CommandLine.linux-x64). Every command gets
/// <c>--no-restore</c>: the templates use local modules only, so the compiler never has a reason to reach a registry.
/// </summary>
internal static class BicepCli
{
    // Generous for a loaded 2-core machine (a build takes about 2 s alone), yet a hang still ends the test.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        var executable = EnsureExecutable(RepositoryFiles.BicepExecutable);
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Root,
        };
        // The compiler is a single-file .NET program that unpacks its native libraries before it starts, by default
        // under $HOME/.net; a fixed folder of the temp directory also works where HOME is unset or read-only, and is
        // reused from run to run.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_BUNDLE_EXTRACT_BASE_DIR")))
        {
            startInfo.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(Path.GetTempPath(), "sse-functions-bicep");
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.ArgumentList.Add("--no-restore");

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {executable}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {RunTimeout}.");
        }

        return new BicepRun(process.ExitCode, await standardOutput, await standardError);
    }

    // NuGet does not always keep a package file's executable bit; give it back rather than fail on it.
    private static string EnsureExecutable(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep compiler is not at {path}. Restore the test project (dotnet restore) to bring the Azure.Bicep.CommandLine.linux-x64 package.",
                path);
        }

        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            try
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
            }
            catch (UnauthorizedAccessException exception)
            {
                throw new InvalidOperationException($"The Bicep compiler at {path} is not executable: run 'chmod u+x {path}'.", exception);
            }
        }

        return path;
    }
}
