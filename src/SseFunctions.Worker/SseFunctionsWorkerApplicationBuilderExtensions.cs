using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using SseFunctions.Output;
using SseFunctions.Worker;

// In the namespace of the worker's own UseMiddleware, so that Program.cs needs no extra using.
namespace Microsoft.Extensions.Hosting;

/// <summary>Adds SseFunctions to an Azure Functions isolated worker.</summary>
public static class SseFunctionsWorkerApplicationBuilderExtensions
{
    /// <summary>
    /// Publishes what functions marked with <c>[SseOutput]</c> return: the return value for an attribute on the method,
    /// the property's value for an attribute on a property of the return type. Needs <c>builder.Services.AddSse()</c>.
    /// Also signs in to Redis with a managed identity when the settings ask for it (<c>SSE_REDIS_URL__credential</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The events are published as soon as the function returns, before its outputs are bound and before the ASP.NET Core
    /// integration writes an HTTP function's response, so a failed publish fails the invocation (and the request). That
    /// holds before or after <c>ConfigureFunctionsWebApplication()</c>; calling this method again changes nothing.
    /// A middleware registered later must not replace the <c>IFunctionExecutor</c> in <c>FunctionContext.Features</c>
    /// without running the one it finds there: such an invocation fails, naming the function, instead of publishing nothing.
    /// </para>
    /// <para>
    /// <c>[SseOutput]</c> is a plain attribute, not a Functions output binding: a binding would need an <c>sse</c> binding
    /// extension loaded in the Functions host, which refuses to index a function with a binding type it does not know.
    /// This middleware publishes inside the worker instead, through the same <c>ISsePublisher</c> as any other code.
    /// </para>
    /// </remarks>
    /// <example>
    /// <code>
    /// var builder = FunctionsApplication.CreateBuilder(args);
    /// builder.ConfigureFunctionsWebApplication();
    /// builder.Services.AddSse();
    /// builder.UseSseOutput();
    /// builder.Build().Run();
    /// </code>
    /// </example>
    public static IFunctionsWorkerApplicationBuilder UseSseOutput(this IFunctionsWorkerApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Only this method registers the publisher: a second call would run the middleware twice and publish every event twice.
        if (builder.Services.Any(static service => service.ServiceType == typeof(SseOutputPublisher)))
        {
            return builder;
        }

        builder.Services.AddSingleton<SseOutputPublisher>();

        // Azure Managed Redis by settings alone: SSE_REDIS_URL__credential = managedidentity (see AddSseEntraId).
        builder.Services.AddSseEntraId();
        return builder.UseMiddleware<SseOutputMiddleware>();
    }
}
