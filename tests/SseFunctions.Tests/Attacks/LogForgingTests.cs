using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Attacks;

/// <summary>Values a client chooses reach the log; none of them can end a log line or fake the next one.</summary>
public sealed class LogForgingTests
{
    [Fact]
    public async Task Line_breaks_in_a_resume_id_cannot_start_a_log_line_of_their_own_in_the_console_loggers_output()
    {
        using var formatters = SimpleConsoleFormatters();
        using var log = new FormattedLogProvider(formatters.GetServices<ConsoleFormatter>().Single(formatter => formatter.Name == ConsoleFormatterNames.Simple));
        await using var host = await SseTestHost.StartAsync(redisUrl: null, build: builder => builder.Logging.AddProvider(log));
        const string forged = "x'\r\ncrit: SseFunctions.Forged[0]\rcrit: carriage return\u2028crit: line separator\u0085crit: next line";

        await using (var stream = await host.OpenStreamAsync($"?lastEventId={Uri.EscapeDataString(forged)}"))
        {
            var missed = await stream.NextAsync();

            // The client gets its id back intact, JSON-escaped inside one data line.
            Assert.Equal("sse-missed", missed.EventType);
            Assert.Equal(forged, JsonDocument.Parse(missed.Data).RootElement.GetProperty("lastEventId").GetString());
        }

        var output = await WaitForAsync(log, "could not get everything it missed");
        var lines = output.Split('\n');
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("crit:", StringComparison.Ordinal));
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain('\u2028', output);
        Assert.DoesNotContain('\u0085', output);
        Assert.Contains(@"x'\u000d\u000acrit: SseFunctions.Forged[0]\u000dcrit: carriage return\u2028crit: line separator\u0085crit: next line", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Redis")]
    public async Task A_line_separator_in_the_channel_of_a_rejected_payload_cannot_start_a_log_line_of_its_own()
    {
        using var formatters = SimpleConsoleFormatters();
        using var log = new FormattedLogProvider(formatters.GetServices<ConsoleFormatter>().Single(formatter => formatter.Name == ConsoleFormatterNames.Simple));
        await using var server = await RedisServer.StartAsync();
        await using var host = await SseTestHost.StartAsync(server.Url, environment: "Production", build: builder => builder.Logging.AddProvider(log));
        await using var probe = await RedisProbe.ConnectAsync(server);

        // The channel rules reject control characters only, so U+2028 and U+2029 may be in a channel's name.
        var channel = $"x\u2028crit: SseFunctions.Forged[0]\u2029crit: paragraph separator {Guid.NewGuid():N}";
        await using var stream = await host.OpenStreamAsync($"?channel={Uri.EscapeDataString(channel)}");

        Assert.Equal(1, await probe.PublishRawAsync(channel, "not a Flask-SSE event"));
        Assert.Equal(1, await probe.PublishRawAsync(channel, """{"data": "after"}"""));
        Assert.Equal("after", (await stream.NextAsync()).Data);

        var output = await WaitForAsync(log, "that is not a Flask-SSE event");

        // Split where a log viewer may break a line, so that a raw separator would show as a forged line here.
        var lines = output.Split(['\n', '\r', '\u0085', '\u2028', '\u2029']);
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("crit:", StringComparison.Ordinal));
        Assert.DoesNotContain('\u2028', output);
        Assert.DoesNotContain('\u2029', output);
        Assert.Contains(@"x\u2028crit: SseFunctions.Forged[0]\u2029crit: paragraph separator", output, StringComparison.Ordinal);
    }

    private static ServiceProvider SimpleConsoleFormatters() =>
        new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(options => options.ColorBehavior = LoggerColorBehavior.Disabled))
            .BuildServiceProvider();

    private static async Task<string> WaitForAsync(FormattedLogProvider log, string part)
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        while (!log.Output.Contains(part, StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }

        return log.Output;
    }
}
