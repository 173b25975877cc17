using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace SseFunctions.PipelineApp;

/// <summary>
/// An output binding no extension provides, as an "sse" binding would be: the host must refuse the function that uses it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.ReturnValue)]
public sealed class NotifyOutputAttribute : OutputBindingAttribute
{
}
