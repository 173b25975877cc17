using FunctionsSample;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SseFunctions.PipelineApp;

/// <summary>Functions beside the sample's, for what the sample cannot show.</summary>
public static class PipelineFunctions
{
    /// <summary>
    /// <c>GET /api/oversized</c>: a greeting larger than an event may be (Sse:MaxEventSize, 64 KiB by default), so its
    /// publish fails. It must fail the request, which needs it to happen before the response is written.
    /// </summary>
    [Function(nameof(Oversized))]
    public static HelloOutput Oversized(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oversized")] HttpRequest req) =>
        new()
        {
            Greeting = new string('x', 70_000),
            Response = new OkObjectResult("Message sent!"),
        };

    /// <summary>A function with an output binding of a type the host has no extension for: the host refuses to load it.</summary>
    [Function(nameof(Notify))]
    [NotifyOutput]
    public static string Notify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notify")] HttpRequest req) =>
        "sent";
}
