using Microsoft.Extensions.Logging;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Integration;

namespace SseFunctions.Tests.Attacks;

/// <summary>
/// An event arriving from Redis larger than <c>Sse:MaxEventSize</c> (another program published it; the package's
/// publisher refuses such events) is dropped with a counted warning, not streamed to every listener.
/// </summary>
public sealed class OversizedEventTests
{
    [Fact]
    public async Task An_inbound_event_over_the_size_limit_is_dropped_counted_and_logged_and_the_next_one_arrives()
    {
        var logs = new CapturingLoggerProvider();
        await using var attack = await AttackHost.StartAsync(
            new SseOptions().WriteTimeout,
            options => options.MaxEventSize = 64 * 1024,
            build: builder => builder.Logging.AddProvider(logs));
        await using var probe = await RedisProbe.ConnectAsync(attack.Redis);
        var (host, metrics) = (attack.Host, attack.Metrics);
        var channel = $"oversized-{Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={channel}");

        Assert.Equal(1, await probe.PublishRawAsync(channel, $$"""{"data": "{{new string('x', 1024 * 1024)}}"}"""));
        Assert.Equal(1, await probe.PublishRawAsync(channel, """{"data": "small"}"""));

        Assert.Equal("small", (await stream.NextAsync()).Data);
        Assert.Equal(1, metrics.Total("sse.envelopes.rejected"));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("Sse:MaxEventSize", StringComparison.Ordinal));
    }
}
