using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;

namespace SseFunctions.Worker;

/// <summary>
/// Runs the function with the executor the invocation would have used, and keeps what it returned. The worker's
/// OutputBindingsMiddleware runs between this executor and <see cref="SseOutputMiddleware"/>; for a return type with
/// output-binding properties (such as <c>[HttpResult]</c>) it sets the invocation result to null, so afterwards the
/// value is only here.
/// </summary>
internal sealed class ResultCapturingExecutor(IFunctionExecutor inner) : IFunctionExecutor
{
    public object? Result { get; private set; }

    public async ValueTask ExecuteAsync(FunctionContext context)
    {
        await inner.ExecuteAsync(context).ConfigureAwait(false);
        Result = context.GetInvocationResult().Value;
    }
}
