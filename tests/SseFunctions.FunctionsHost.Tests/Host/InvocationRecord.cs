using SseFunctions.FunctionsHost.Tests.Host.Rpc;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>One invocation the host sent: whether it cancelled it, and the worker's answer.</summary>
public sealed class InvocationRecord
{
    internal InvocationRecord(string id, IndexedFunction function, Task<StreamingMessage> response)
    {
        Id = id;
        Function = function;
        Response = WithResponseAsync(response);
    }

    public string Id { get; }

    public IndexedFunction Function { get; }

    /// <summary>Whether the host sent <c>InvocationCancel</c> (because the HTTP client left).</summary>
    public bool CancelSent { get; internal set; }

    /// <summary>The worker's <c>InvocationResponse</c>; faults if the worker's stream ends first.</summary>
    internal Task<InvocationResponse> Response { get; }

    /// <summary>Whether the worker has answered.</summary>
    public bool Answered => Response.IsCompletedSuccessfully;

    /// <summary>Waits for the worker's <c>InvocationResponse</c>; fails saying so if it does not come within <paramref name="timeout"/>.</summary>
    public async Task<InvocationResponse> AnswerAsync(TimeSpan timeout)
    {
        try
        {
            return await Response.WaitAsync(timeout);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"The worker did not answer invocation {Id} of '{Function.Name}' within {timeout.TotalSeconds} s.", exception);
        }
    }

    private static async Task<InvocationResponse> WithResponseAsync(Task<StreamingMessage> response) => (await response).InvocationResponse;
}
