using SseFunctions;

namespace AspNetCoreSample;

/// <summary>Builds the sample, so that the browser tests run exactly what a newcomer runs.</summary>
public static class SampleApp
{
    /// <summary>Channels starting with this are refused unless the user is signed in: the authorization hook at work.</summary>
    public const string PrivateChannelPrefix = "private-";

    /// <summary>Creates the app: the page at <c>/</c>, the stream at <c>/stream</c>, and <c>/hello</c> publishing a greeting.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSse(options => options.AuthorizeChannel = static (context, channel) =>
            ValueTask.FromResult(!channel.StartsWith(PrivateChannelPrefix, StringComparison.Ordinal)
                || context.User.Identity?.IsAuthenticated == true));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapSse("/stream");
        app.MapGet("/hello", async (ISsePublisher sse, CancellationToken cancellationToken) =>
        {
            await sse.PublishAsync(new { message = "Hello!" }, type: "greeting", cancellationToken: cancellationToken);
            return "Message sent!";
        });
        return app;
    }
}
