using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SseFunctions;

namespace FunctionsSample;

/// <summary>What <see cref="QuickstartFunctions.Hello"/> returns: the HTTP response, and the event to publish.</summary>
public sealed class HelloOutput
{
    /// <summary>The HTTP response, written by the ASP.NET Core integration.</summary>
    [HttpResult]
    public IActionResult? Response { get; init; }

    /// <summary>The greeting, published to the <c>sse</c> channel by <c>builder.UseSseOutput()</c>.</summary>
    [SseOutput(Type = "greeting")]
    public object? Greeting { get; init; }
}
