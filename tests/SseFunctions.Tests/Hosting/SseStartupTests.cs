using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SseFunctions.Brokers;
using SseFunctions.Configuration;
using SseFunctions.Streaming;
using SseFunctions.Tests.Configuration;

using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Hosting;

public sealed class SseStartupTests
{
    private const string Secret = "s3cr3t-Pa55";

    [Fact]
    public async Task Without_Redis_outside_Development_start_up_fails_naming_both_settings()
    {
        using var host = BuildHost(Environments.Production);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("SSE_REDIS_URL", exception.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\bREDIS_URL\b"), exception.Message);
    }

    [Theory]
    [InlineData("SSE_REDIS_URL")]
    [InlineData("REDIS_URL")]
    public async Task A_malformed_Redis_setting_fails_start_up_naming_it_without_echoing_the_password(string setting)
    {
        using var host = BuildHost(Environments.Production, settings: (setting, $"redis://:{Secret}@cache/not-a-db"));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.StartsWith($"The setting {setting} is malformed", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_bound_option_fails_start_up_naming_the_setting()
    {
        using var host = BuildHost(Environments.Development, settings: ("Sse:HeartbeatInterval", "00:00:00"));

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Sse:HeartbeatInterval", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_option_set_in_code_fails_start_up_naming_the_setting()
    {
        using var host = BuildHost(Environments.Development, configure: options => options.MaxChannelsPerStream = 0);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Sse:MaxChannelsPerStream", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_Redis_in_Development_the_app_starts_on_the_in_memory_broker_with_one_warning()
    {
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(Environments.Development, logs: logs);

        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<ISsePublisher>();
        await publisher.PublishAsync("x");
        await publisher.PublishAsync("y", channel: "other");
        host.Services.GetRequiredService<SseStreamHandler>();
        await host.StopAsync();

        Assert.IsType<InMemorySseBroker>(host.Services.GetRequiredService<ISseBroker>());
        var warning = Assert.Single(logs.Entries, entry => entry.Level >= LogLevel.Warning);
        Assert.Equal(typeof(SseBrokerFactory).FullName, warning.Category);
        Assert.Contains("in-memory", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapSse_without_AddSse_throws_a_clear_error()
    {
        var builder = WebApplication.CreateEmptyBuilder(new() { EnvironmentName = Environments.Development });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        using var app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapSse("/stream"));

        Assert.Contains("AddSse()", exception.Message, StringComparison.Ordinal);
        Assert.Empty(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints));
    }

    [Fact]
    public async Task A_stream_result_without_AddSse_throws_a_clear_error()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };

        var asResult = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Request.StreamSse().ExecuteAsync(context));
        var asActionResult = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Request.StreamSse().ExecuteResultAsync(new ActionContext { HttpContext = context }));

        Assert.Contains("services.AddSse()", asResult.Message, StringComparison.Ordinal);
        Assert.Equal(asResult.Message, asActionResult.Message);
    }

    private static IHost BuildHost(
        string environment,
        Action<SseOptions>? configure = null,
        CapturingLoggerProvider? logs = null,
        params (string Key, string Value)[] settings)
    {
        // No default sources: the machine's own SSE_REDIS_URL or REDIS_URL must not leak into the test.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddSse(options => configure?.Invoke(options));
        return builder.Build();
    }
}
