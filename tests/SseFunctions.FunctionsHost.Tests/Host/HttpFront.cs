using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;
using Yarp.ReverseProxy.Forwarder;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>
/// The host's HTTP side, as with ASP.NET Core integration: <c>/api/&lt;route&gt;</c> for each HTTP function (its methods
/// only), forwarded to the worker's own Kestrel (<c>HttpUri</c>) with the invocation id in <c>x-ms-invocation-id</c>,
/// and an InvocationRequest sent once the forwarding has started; <c>InvocationCancel</c> when the client leaves; and
/// <c>POST /admin/functions/&lt;name&gt;</c> for the other functions (a timer, here).
/// </summary>
internal sealed class HttpFront : IAsyncDisposable
{
    /// <summary>The header both ends use to pair the forwarded request with its invocation.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    // What the host's timer extension passes a timer function run by hand.
    private const string TimerInput = """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}""";

    // The host's forwarding timeout for a response that sends nothing (DefaultHttpProxyService).
    private static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(240);

    // How long the worker may take to answer an invocation once its HTTP response has ended.
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    private readonly WorkerConnection _worker;
    private readonly Uri _workerHttpUri;
    private readonly ConcurrentDictionary<string, InvocationRecord> _invocations;
    private readonly HttpMessageInvoker _toWorker = new(new WorkerStartRetryHandler(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    }));

    private WebApplication? _app;

    public HttpFront(WorkerConnection worker, Uri workerHttpUri, ConcurrentDictionary<string, InvocationRecord> invocations)
    {
        _worker = worker;
        _workerHttpUri = workerHttpUri;
        _invocations = invocations;
    }

    public async Task<Uri> StartAsync(IReadOnlyList<IndexedFunction> functions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddHttpForwarder();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        _app = builder.Build();

        var forwarder = _app.Services.GetRequiredService<IHttpForwarder>();
        foreach (var function in functions.Where(static function => function.IsHttp))
        {
            var pattern = "/api/" + function.Route;
            RequestDelegate invoke = context => InvokeHttpAsync(context, function, forwarder);
            _ = function.Methods.Count == 0 ? _app.Map(pattern, invoke) : _app.MapMethods(pattern, function.Methods, invoke);
        }

        _app.MapPost("/admin/functions/{name}", (string name, HttpContext context) => InvokeByHand(context, functions, name));
        await _app.StartAsync();
        return new Uri(_app.Urls.Single() + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _toWorker.Dispose();
    }

    private async Task InvokeHttpAsync(HttpContext context, IndexedFunction function, IHttpForwarder forwarder)
    {
        var invocationId = Guid.NewGuid().ToString();
        context.Request.Headers[InvocationIdHeader] = invocationId;

        // Not the real host's: the id on the answer too, so that a test can find the invocation behind a response.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[InvocationIdHeader] = invocationId;
            return Task.CompletedTask;
        });

        // The request is on its way to the worker before the invocation is sent, as the host does it.
        var forwarding = forwarder.SendAsync(context, _workerHttpUri.ToString(), _toWorker, new ForwarderRequestConfig { ActivityTimeout = ActivityTimeout });
        var invocation = Invoke(function, invocationId, new TypedData { Http = new RpcHttp() });
        await using (context.RequestAborted.Register(() => Cancel(invocation)))
        {
            await forwarding;
        }

        try
        {
            var answer = await invocation.AnswerAsync(AnswerTimeout);

            // As the host does: a failed invocation is a 500 unless the worker's response has already gone out.
            if (answer.Result.Status == StatusResult.Types.Status.Failure && !context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            // The worker is gone or silent: the forwarder has already answered or cut the client; the test sees the record.
        }
    }

    private IResult InvokeByHand(HttpContext context, IReadOnlyList<IndexedFunction> functions, string name)
    {
        var function = functions.FirstOrDefault(function => string.Equals(function.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null)
        {
            return Results.NotFound($"No function '{name}' was indexed.");
        }

        if (function.IsHttp)
        {
            return Results.BadRequest($"'{function.Name}' is an HTTP function: call /api/{function.Route}.");
        }

        var invocation = Invoke(function, Guid.NewGuid().ToString(), new TypedData { Json = TimerInput });
        context.Response.Headers[InvocationIdHeader] = invocation.Id;
        return Results.Accepted();
    }

    private InvocationRecord Invoke(IndexedFunction function, string invocationId, TypedData trigger)
    {
        var invocation = new InvocationRecord(
            invocationId,
            function,
            _worker.Expect(message => message.InvocationResponse?.InvocationId == invocationId));
        _invocations[invocationId] = invocation;
        _worker.Send(new StreamingMessage
        {
            InvocationRequest = new InvocationRequest
            {
                InvocationId = invocationId,
                FunctionId = function.Id,
                InputData = { new ParameterBinding { Name = function.TriggerName, Data = trigger } },

                // The worker reads it on every invocation; an empty one means no trace.
                TraceContext = new RpcTraceContext(),
            },
        });
        return invocation;
    }

    private void Cancel(InvocationRecord invocation)
    {
        if (invocation.Response.IsCompleted)
        {
            return;
        }

        invocation.CancelSent = true;
        _worker.Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocation.Id } });
    }
}
