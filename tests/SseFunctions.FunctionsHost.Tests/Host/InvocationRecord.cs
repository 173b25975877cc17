using SseFunctions.FunctionsHost.Tests.Host.Rpc;
using Yarp.ReverseProxy.Forwarder;

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

    /// <summary>How forwarding the HTTP request to the worker ended (HTTP functions only).</summary>
    public ForwarderError ForwarderError { get; internal set; }

    /// <summary>Why forwarding failed, if it did.</summary>
    public Exception? ForwarderException { get; internal set; }

    /// <summary>The worker's <c>InvocationResponse</c>; faults if the worker's stream ends first.</summary>
    public Task<InvocationResponse> Response { get; }

    private static async Task<InvocationResponse> WithResponseAsync(Task<StreamingMessage> response) => (await response).InvocationResponse;
}
