using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;

namespace SseFunctions.PipelineApp;

/// <summary>Runs the function with the app's own (generated) executor, as a tracing or retrying executor might.</summary>
internal sealed class PassThroughExecutor(IFunctionExecutor inner) : IFunctionExecutor
{
    public ValueTask ExecuteAsync(FunctionContext context) => inner.ExecuteAsync(context);
}
