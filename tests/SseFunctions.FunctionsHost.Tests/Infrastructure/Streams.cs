using System.Net;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Infrastructure;

/// <summary>Opens an event stream through a test host and insists that it is one, so a refused stream fails here and says why.</summary>
internal static class Streams
{
    public static async Task<SseTestClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var stream = await SseTestClient.OpenAsync(client, path, lastEventId);
        if (stream.Response.StatusCode != HttpStatusCode.OK)
        {
            var body = await stream.Response.Content.ReadAsStringAsync();
            await stream.DisposeAsync();
            throw new InvalidOperationException($"GET {path} answered {(int)stream.Response.StatusCode} instead of a stream: {body}");
        }

        return stream;
    }
}
