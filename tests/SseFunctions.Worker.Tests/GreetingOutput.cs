using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SseFunctions.Worker.Tests;

/// <summary>The functions sample's hello shape: the HTTP response beside the published greeting.</summary>
public sealed class GreetingOutput
{
    [HttpResult]
    public IActionResult? Response { get; init; }

    [SseOutput(Type = "greeting")]
    public object? Greeting { get; init; }
}
