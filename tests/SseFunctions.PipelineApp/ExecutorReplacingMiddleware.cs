using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace SseFunctions.PipelineApp;

/// <summary>
/// A middleware of someone else's that runs functions with an executor of its own, ignoring the one already in the
/// invocation's features (which is <c>UseSseOutput()</c>'s).
/// </summary>
internal sealed class ExecutorReplacingMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        context.Features.Set<IFunctionExecutor>(new PassThroughExecutor(context.InstanceServices.GetRequiredService<IFunctionExecutor>()));
        return next(context);
    }
}
