using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;
using SseFunctions.Output;

namespace SseFunctions.Worker;

/// <summary>
/// Runs the function with the executor the invocation would have used, then publishes what it returned, right there:
/// innermost in the pipeline, before the worker's OutputBindingsMiddleware takes the value apart and before the ASP.NET
/// Core integration writes the HTTP response, wherever <c>UseSseOutput()</c> put its middleware. A failed publish
/// therefore fails the invocation before any response is sent.
/// </summary>
internal sealed class SseOutputExecutor(IFunctionExecutor inner, SseOutputPublisher outputs, SseOutputPlan plan) : IFunctionExecutor
{
    /// <summary>Whether the worker ran the function through this executor.</summary>
    public bool Ran { get; private set; }

    public async ValueTask ExecuteAsync(FunctionContext context)
    {
        Ran = true;
        await inner.ExecuteAsync(context).ConfigureAwait(false);
        await outputs.PublishAsync(plan, context.GetInvocationResult().Value, context.CancellationToken).ConfigureAwait(false);
    }
}
