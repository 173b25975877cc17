using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SseFunctions.Tests.Hosting;

public sealed class MapSseTests
{
    [Fact]
    public async Task RequireAuthorization_on_the_returned_builder_keeps_unauthenticated_requests_out_of_the_stream()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services
            .AddAuthentication(RejectingAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, RejectingAuthenticationHandler>(RejectingAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSse();
        await using var app = builder.Build();
        IEndpointConventionBuilder secured = app.MapSse("/secure");
        secured.RequireAuthorization();
        app.MapSse("/open");
        await app.StartAsync();
        using var client = new HttpClient
        {
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()),
            Timeout = TimeSpan.FromSeconds(30),
        };

        using var refused = await client.GetAsync("/secure?channel=news", HttpCompletionOption.ResponseHeadersRead);
        using var served = await client.GetAsync("/open?channel=news", HttpCompletionOption.ResponseHeadersRead);

        Assert.True(
            refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
            $"expected 401 or 403, got {(int)refused.StatusCode}");
        Assert.NotEqual("text/event-stream", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("text/event-stream", served.Content.Headers.ContentType?.MediaType);
        served.Dispose();
        await app.StopAsync();
    }

    [Fact]
    public void MapSse_maps_a_GET_endpoint_with_a_readable_name()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Services.AddSse();
        using var app = builder.Build();

        app.MapSse("/events/{tenant}");

        var endpoint = Assert.Single(((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints));
        Assert.Equal("SSE stream /events/{tenant}", endpoint.DisplayName);
        Assert.Equal(["GET"], endpoint.Metadata.GetRequiredMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>().HttpMethods);
    }
}
