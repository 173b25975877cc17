using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Attacks;

/// <summary>An HTTP answer never tells a client where Redis is; the server's log does.</summary>
public sealed class BrokerDisclosureTests
{
    [Fact]
    public async Task The_publish_endpoints_503_while_Redis_is_down_names_neither_its_host_nor_its_port()
    {
        var logs = new CapturingLoggerProvider();
        await using var attack = await AttackHost.StartAsync(
            new SseOptions().WriteTimeout,
            options => options.PublishTimeout = TimeSpan.FromSeconds(1),
            map: app => app.MapPost("/publish", async (HttpRequest request) => await request.PublishSseAsync()),
            build: builder => builder.Logging.AddProvider(logs));
        var (server, host) = (attack.Redis, attack.Host);
        await server.KillAsync();

        using var answer = await host.Client.PostAsync("/publish", new StringContent("""{"data": "x"}""")).WaitAsync(SseTestClient.Patience);
        var text = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Port.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.Contains("Redis", text, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, entry => entry.Exception?.Message.Contains($"127.0.0.1:{server.Port}", StringComparison.Ordinal) == true);
    }
}
