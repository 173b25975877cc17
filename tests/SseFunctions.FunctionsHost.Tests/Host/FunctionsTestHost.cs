using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>
/// A stand-in for the Azure Functions host, for tests: it starts a built function app's real isolated worker and
/// drives it over the host's gRPC protocol, in the host's order:
/// <list type="number">
/// <item>serve <c>EventStream</c> on an HTTP/2-only loopback port and start the worker with that port on its command line;</item>
/// <item>the worker sends <c>StartStream</c>; the host answers with <c>WorkerInitRequest</c> and gets the worker's
/// capabilities, among them <c>HttpUri</c>, its own Kestrel;</item>
/// <item><c>FunctionsMetadataRequest</c>: the worker lists its functions; the host refuses the binding types it has no
/// extension for;</item>
/// <item>one <c>FunctionLoadRequest</c> per function;</item>
/// <item>then <see cref="HttpFront"/> serves <c>/api/…</c> and <c>/admin/functions/…</c> with <c>InvocationRequest</c>s;</item>
/// <item><c>WorkerTerminate</c> on <see cref="StopAsync"/>.</item>
/// </list>
/// Every step has a deadline, and a step that does not happen fails saying which, with the worker's output.
/// </summary>
public sealed class FunctionsTestHost : IAsyncDisposable
{
    /// <summary>Generous for a worker's start on a loaded two-core machine; reached only when something is broken.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long past its grace period a terminated worker may take to exit (the real host waits about 5 s).</summary>
    private static readonly TimeSpan ExitAllowance = TimeSpan.FromSeconds(10);

    private readonly WorkerConnection _connection = new();
    private readonly ConcurrentDictionary<string, InvocationRecord> _invocations = new(StringComparer.Ordinal);
    private readonly List<string> _refusals = [];
    private WebApplication? _grpc;
    private WorkerProcess? _worker;
    private HttpFront? _front;
    private List<IndexedFunction> _functions = [];

    private FunctionsTestHost()
    {
    }

    /// <summary>The HTTP front: <c>api/&lt;route&gt;</c> and <c>admin/functions/&lt;name&gt;</c> are relative to it.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The functions the host loaded.</summary>
    public IReadOnlyList<IndexedFunction> Functions => _functions;

    /// <summary>Why the host refused to load some functions, as the real host reports indexing errors.</summary>
    public IReadOnlyList<string> Refusals => _refusals;

    /// <summary>The worker's capabilities, from its <c>WorkerInitResponse</c>.</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    public int WorkerProcessId => _worker!.Id;

    /// <summary>
    /// Starts the worker of the app built in <paramref name="appDirectory"/>, with <paramref name="settings"/> as app
    /// settings (over the app's <c>local.settings.json</c>), and loads its functions.
    /// </summary>
    public static async Task<FunctionsTestHost> StartAsync(string appDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var host = new FunctionsTestHost();
        try
        {
            await host.StartWorkerAsync(appDirectory, settings);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the HTTP front, as a browser or another service would call the function app.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The invocation behind a response of the front (its <c>x-ms-invocation-id</c> header).</summary>
    public InvocationRecord Invocation(HttpResponseMessage response) =>
        _invocations[response.Headers.GetValues(HttpFront.InvocationIdHeader).Single()];

    /// <summary>Sends <c>WorkerTerminate</c> and waits for the worker to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan gracePeriod)
    {
        _connection.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(gracePeriod) } });
        var deadline = gracePeriod + ExitAllowance;
        if (await Task.WhenAny(_worker!.Exited, Task.Delay(deadline)) != _worker.Exited)
        {
            throw new TimeoutException($"The worker did not exit within {deadline.TotalSeconds} s of WorkerTerminate.{Diagnostics()}");
        }

        return _worker.ExitCode;
    }

    /// <summary>Kills the worker (SIGKILL), as a crash or a scale-in does: nothing of it runs afterwards.</summary>
    public Task KillWorkerAsync() => _worker!.KillAsync();

    /// <summary>Stops the worker as the host does (<c>WorkerTerminate</c>), killing it if it does not exit, then the host itself.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            // Only a worker that got as far as loading its functions listens for WorkerTerminate.
            if (BaseAddress is not null && !_worker.Exited.IsCompleted)
            {
                try
                {
                    await StopAsync(TimeSpan.FromSeconds(5));
                }
                catch (TimeoutException)
                {
                    // Killed below; the test that cares calls StopAsync itself and sees the timeout.
                }
            }

            await _worker.DisposeAsync();
        }

        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        if (_grpc is not null)
        {
            await _grpc.StopAsync();
            await _grpc.DisposeAsync();
        }
    }

    private async Task StartWorkerAsync(string appDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var functionsUri = await StartGrpcAsync();
        var started = _connection.Expect(static message => message.StartStream is not null);
        _worker = WorkerProcess.Start(appDirectory, functionsUri, Guid.NewGuid().ToString(), settings);
        await StepAsync(started, "send StartStream");

        var init = await RequestAsync(
            new StreamingMessage
            {
                WorkerInitRequest = new WorkerInitRequest
                {
                    HostVersion = "4.0.0-test",
                    WorkerDirectory = appDirectory,
                    FunctionAppDirectory = appDirectory,
                },
            },
            static message => message.WorkerInitResponse is not null,
            "answer WorkerInitRequest");
        ThrowIfFailed(init.WorkerInitResponse.Result, "WorkerInitRequest");
        Capabilities = init.WorkerInitResponse.Capabilities;
        if (!Capabilities.TryGetValue("HttpUri", out var httpUri))
        {
            throw new InvalidOperationException($"The worker did not report an HttpUri capability: is ConfigureFunctionsWebApplication() called?{Diagnostics()}");
        }

        var metadata = await RequestAsync(
            new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } },
            static message => message.FunctionMetadataResponse is not null,
            "answer FunctionsMetadataRequest");
        ThrowIfFailed(metadata.FunctionMetadataResponse.Result, "FunctionsMetadataRequest");
        if (metadata.FunctionMetadataResponse.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException($"The worker asked for host indexing (functions.metadata), which this test host does not do.{Diagnostics()}");
        }

        _functions = Index(metadata.FunctionMetadataResponse.FunctionMetadataResults);
        await Task.WhenAll(_functions.Select(LoadAsync));

        _front = new HttpFront(_connection, new Uri(httpUri), _invocations);
        BaseAddress = await _front.StartAsync(_functions);
    }

    private async Task<Uri> StartGrpcAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // The worker's channel speaks HTTP/2 without TLS, which needs a port that speaks only HTTP/2.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_connection);
        _grpc = builder.Build();
        _grpc.MapGrpcService<FunctionRpcService>();
        await _grpc.StartAsync();
        return new Uri(_grpc.Urls.Single() + "/");
    }

    private List<IndexedFunction> Index(IEnumerable<RpcFunctionMetadata> metadata)
    {
        var functions = new List<IndexedFunction>();
        foreach (var function in metadata)
        {
            if (IndexedFunction.TryIndex(function, out var refusal) is { } indexed)
            {
                functions.Add(indexed);
            }
            else
            {
                _refusals.Add(refusal!);
            }
        }

        return functions;
    }

    private async Task LoadAsync(IndexedFunction function)
    {
        var loaded = await RequestAsync(
            new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.Id, Metadata = function.Metadata } },
            message => message.FunctionLoadResponse?.FunctionId == function.Id,
            $"answer FunctionLoadRequest for '{function.Name}'");
        ThrowIfFailed(loaded.FunctionLoadResponse.Result, $"FunctionLoadRequest for '{function.Name}'");
    }

    private Task<StreamingMessage> RequestAsync(StreamingMessage request, Func<StreamingMessage, bool> isAnswer, string step)
    {
        var answer = _connection.Expect(isAnswer);
        _connection.Send(request);
        return StepAsync(answer, step);
    }

    /// <summary>Waits for the worker to <paramref name="step"/>; fails at once if it exits, and after <see cref="StepTimeout"/>.</summary>
    private async Task<StreamingMessage> StepAsync(Task<StreamingMessage> answer, string step)
    {
        var finished = await Task.WhenAny(answer, _worker!.Exited, Task.Delay(StepTimeout));
        if (finished == answer && answer.IsCompletedSuccessfully)
        {
            return answer.Result;
        }

        var what = finished == answer ? answer.Exception!.InnerException!.Message
            : finished == _worker.Exited ? $"it exited with code {_worker.ExitCode}"
            : $"not within {StepTimeout.TotalSeconds} s";
        throw new InvalidOperationException($"The worker did not {step}: {what}.{Diagnostics()}");
    }

    private void ThrowIfFailed(StatusResult result, string request)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker answered {request} with {result.Status}: {result.Exception?.Message}{Diagnostics()}");
        }
    }

    private string Diagnostics() =>
        $"\nWorker output:\n{_worker?.Output}\nWorker log (RpcLog):\n{string.Join('\n', _connection.Logs.TakeLast(30).Select(static log => $"[{log.Level}] {log.Category}: {log.Message} {log.Exception?.Message}"))}";
}
