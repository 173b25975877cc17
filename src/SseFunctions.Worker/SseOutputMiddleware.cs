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
        var executor = new SseOutputExecutor(
            context.Features.Get<IFunctionExecutor>() ?? context.InstanceServices.GetRequiredService<IFunctionExecutor>(),
            outputs,
            plan);
        context.Features.Set<IFunctionExecutor>(executor);
        await next(context).ConfigureAwait(false);

        if (!executor.Ran)
        {
            // A middleware that ends the invocation early (refusing a request, say) leaves the executor in place: the
            // function did not run, so there is nothing to publish. One that replaced it ran the function without us.
            if (!ReferenceEquals(context.Features.Get<IFunctionExecutor>(), executor))
            {
                throw new InvalidOperationException(
                    $"Function '{function.Name}': [SseOutput] published nothing because the function ran through another " +
                    $"IFunctionExecutor ({context.Features.Get<IFunctionExecutor>()?.GetType().FullName ?? "none"}), set in " +
                    "FunctionContext.Features by a middleware registered after UseSseOutput(). Let that executor run the one " +
                    "it finds in the features, or register that middleware before UseSseOutput().");
            }

            return;
        }

        var returnBindingType = function.OutputBindings.TryGetValue(ReturnBindingName, out var returnBinding) ? returnBinding.Type : null;
        if (SseOutputPlan.ClearsResult(returnBindingType))
        {
            context.GetInvocationResult().Value = null;
        }
    }
}
