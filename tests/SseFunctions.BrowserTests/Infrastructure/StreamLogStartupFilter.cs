using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// Puts the <see cref="StreamLog"/> in front of the sample's own pipeline, from the builder hook the sample offers, so that
/// the sample runs unchanged.
/// </summary>
internal sealed class StreamLogStartupFilter(StreamLog log, string streamPath) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) => context.Request.Path.Equals(streamPath, StringComparison.Ordinal)
            ? log.RecordAsync(context, nextMiddleware)
            : nextMiddleware(context));
        next(app);
    };
}
