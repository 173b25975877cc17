using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SseFunctions.Streaming;

// In ASP.NET Core's namespace, as MapGet is, so that Program.cs needs no extra using.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the server-sent events stream endpoint, Flask-SSE's <c>/stream?channel=…</c>.</summary>
public static class SseEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET</c> <paramref name="pattern"/> to a stream of the channels named by <c>?channel=</c> (repeatable;
    /// default <c>sse</c>). Returns the endpoint's builder, so <c>RequireAuthorization()</c>, <c>RequireCors()</c> and the
    /// rest apply as usual.
    /// </summary>
    public static IEndpointConventionBuilder MapSse(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var handler = endpoints.ServiceProvider.GetService<SseStreamHandler>()
            ?? throw new InvalidOperationException(
                "MapSse needs SseFunctions' services: call builder.Services.AddSse() before building the app.");
        return endpoints.MapGet(pattern, context => handler.HandleAsync(context, CancellationToken.None))
            .WithDisplayName($"SSE stream {pattern}");
    }
}
