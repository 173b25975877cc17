using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using SseFunctions.Output;

namespace SseFunctions.Worker;

/// <summary>
/// Publishes what <c>[SseOutput]</c> functions return. Every decision is the core's (<see cref="SseOutputPublisher"/>);
/// this only connects it to the worker's invocation pipeline.
/// </summary>
internal sealed class SseOutputMiddleware(SseOutputPublisher outputs) : IFunctionsWorkerMiddleware
{
    // The SDK's name for the output binding that takes a function's return value (internal there as OutputBindingsConstants.ReturnBindingName).
    private const string ReturnBindingName = "$return";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var function = context.FunctionDefinition;
        var plan = outputs.FindPlan(function.Id, function.Name, function.EntryPoint, function.PathToAssembly);
        if (plan is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        // FunctionExecutionMiddleware runs the executor set in the invocation's features, if any (Worker.Core 2.2.0 and later).
        var executor = new ResultCapturingExecutor(
            context.Features.Get<IFunctionExecutor>() ?? context.InstanceServices.GetRequiredService<IFunctionExecutor>());
        context.Features.Set<IFunctionExecutor>(executor);
        await next(context).ConfigureAwait(false);

        await outputs.PublishAsync(plan, executor.Result, context.CancellationToken).ConfigureAwait(false);
        var returnBindingType = function.OutputBindings.TryGetValue(ReturnBindingName, out var returnBinding) ? returnBinding.Type : null;
        if (SseOutputPlan.ClearsResult(returnBindingType))
        {
            context.GetInvocationResult().Value = null;
        }
    }
}
