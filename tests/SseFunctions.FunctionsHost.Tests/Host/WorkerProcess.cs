using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>
/// The function app's worker, started as the Functions host starts a .NET isolated worker: <c>worker.config.json</c>'s
/// executable and worker path, the host's command line, the app directory as working directory, and the environment
/// Core Tools gives it (the app's <c>local.settings.json</c> <c>Values</c>, then the test's settings).
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 400;
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Exited = _process.WaitForExitAsync();
    }

    public int Id => _process.Id;

    /// <summary>Completes when the worker has exited.</summary>
    public Task Exited { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the worker wrote to stdout and stderr, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.Count == 0 ? "(nothing)" : string.Join('\n', _output);
            }
        }
    }

    public static WorkerProcess Start(string appDirectory, Uri functionsUri, string workerId, IReadOnlyDictionary<string, string?> settings)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(appDirectory, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        var startInfo = new ProcessStartInfo(description.GetProperty("defaultExecutablePath").GetString()!)
        {
            WorkingDirectory = appDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var requestId = Guid.NewGuid().ToString();
        var port = functionsUri.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var argument in new[]
                 {
                     Path.Combine(appDirectory, description.GetProperty("defaultWorkerPath").GetString()!),
                     "--host", functionsUri.Host, "--port", port, "--workerId", workerId, "--requestId", requestId,
                     "--grpcMaxMessageLength", "2147483647",
                     "--functions-uri", functionsUri.ToString(), "--functions-worker-id", workerId,
                     "--functions-request-id", requestId, "--functions-grpc-max-message-length", "2147483647",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var environment = startInfo.Environment;
        foreach (var (name, value) in LocalSettings(appDirectory))
        {
            // As with Core Tools, a variable already in the environment wins over local.settings.json.
            environment.TryAdd(name, value);
        }

        environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        environment["FUNCTIONS_WORKER_RUNTIME_VERSION"] = Environment.Version.ToString(2);
        return new WorkerProcess(Process.Start(startInfo) ?? throw new InvalidOperationException($"The worker in {appDirectory} did not start."));
    }

    /// <summary>SIGKILL: the worker ends at once, as on a crash or when the platform takes its instance away.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static IEnumerable<KeyValuePair<string, string?>> LocalSettings(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "local.settings.json");
        if (!File.Exists(path))
        {
            return [];
        }

        using var settings = JsonDocument.Parse(File.ReadAllText(path));
        return settings.RootElement.TryGetProperty("Values", out var values)
            ? [.. values.EnumerateObject().Select(value => KeyValuePair.Create(value.Name, (string?)value.Value.ToString()))]
            : [];
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }
}
