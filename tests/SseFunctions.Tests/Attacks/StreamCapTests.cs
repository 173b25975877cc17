using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Attacks;

/// <summary>
/// <c>Sse:MaxOpenStreams</c>: beyond it a process sheds stream requests with 503 and <c>Retry-After</c>, so a scaled-out
/// app's load balancer sends them elsewhere instead of the process falling over; <c>MapSse</c> and a function's
/// stream result alike.
/// </summary>
public sealed class StreamCapTests
{
    [Fact]
    public async Task Beyond_the_cap_MapSse_and_a_functions_stream_result_answer_503_with_Retry_After_and_count_it()
    {
        await using var host = await SseTestHost.StartAsync(
            redisUrl: null,
            options => options.MaxOpenStreams = 2,
            map: app => app.MapGet("/function-stream", (HttpRequest request) => request.StreamSse()));
        using var metrics = new MetricRecorder(host.Services);
        await using var first = await host.OpenStreamAsync();
        await using (var second = await host.OpenStreamAsync())
        {
            foreach (var path in new[] { "/stream", "/function-stream" })
            {
                using var refused = await host.Client.GetAsync(path).WaitAsync(SseTestClient.Patience);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
                var reason = await refused.Content.ReadAsStringAsync();
                Assert.Contains("Sse:MaxOpenStreams", reason, StringComparison.Ordinal);
                Assert.Contains("Try again in 2 s", reason, StringComparison.Ordinal);
            }

            Assert.Equal(2, metrics.Total("sse.streams.refused"));
        }

        // One closed: there is room again, for the function's stream too.
        Assert.True(await metrics.WaitForAsync("sse.streams.open", total => total == 1, SseTestClient.Patience));
        await using var third = await SseTestClient.OpenAsync(host.Client, "/function-stream");
        Assert.Equal(HttpStatusCode.OK, third.Response.StatusCode);
    }
}
