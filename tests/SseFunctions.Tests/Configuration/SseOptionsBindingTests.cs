using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SseFunctions.Tests.Configuration;

public sealed class SseOptionsBindingTests
{
    [Fact]
    public void The_Sse_section_binds_the_options()
    {
        var options = Bind(
            configure: null,
            ("Sse:HeartbeatInterval", "00:00:05"),
            ("Sse:MaxChannelsPerStream", "3"),
            ("Sse:ReconnectInterval", "00:00:00.500"),
            ("Sse:MaxStreamDuration", "00:05:00"),
            ("Sse:MaxStreamDurationJitter", "00:00:30"),
            ("Sse:HistoryEnabled", "false"),
            ("Sse:MaxEventSize", "1024"),
            ("Sse:KeyPrefix", "app1:"),
            ("Sse:RedisUrl", "redis://cache:6380"));

        Assert.Equal(TimeSpan.FromSeconds(5), options.HeartbeatInterval);
        Assert.Equal(3, options.MaxChannelsPerStream);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ReconnectInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxStreamDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxStreamDurationJitter);
        Assert.False(options.HistoryEnabled);
        Assert.Equal(1024, options.MaxEventSize);
        Assert.Equal("app1:", options.KeyPrefix);
        Assert.Equal("redis://cache:6380", options.RedisUrl);
    }

    [Fact]
    public void Unset_settings_keep_their_defaults()
    {
        var options = Bind(configure: null);
        var defaults = new SseOptions();

        Assert.Equal(defaults.HeartbeatInterval, options.HeartbeatInterval);
        Assert.Equal(defaults.MaxChannelsPerStream, options.MaxChannelsPerStream);
        Assert.Equal(defaults.ReconnectInterval, options.ReconnectInterval);
        Assert.Equal(64 * 1024, options.MaxEventSize);
        Assert.Same(System.Text.Json.JsonSerializerOptions.Web, options.JsonSerializerOptions);
    }

    [Fact]
    public void Code_passed_to_AddSse_wins_over_settings()
    {
        var options = Bind(
            configure: options => options.MaxChannelsPerStream = 4,
            ("Sse:MaxChannelsPerStream", "3"),
            ("Sse:HeartbeatInterval", "00:00:05"));

        Assert.Equal(4, options.MaxChannelsPerStream);
        Assert.Equal(TimeSpan.FromSeconds(5), options.HeartbeatInterval);
    }

    [Fact]
    public void An_app_setting_with_double_underscores_binds_as_the_section_does()
    {
        var prefix = $"SSEFUNCTIONS_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Sse__HeartbeatInterval", "00:00:07");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            Assert.Equal(TimeSpan.FromSeconds(7), Resolve(configuration, configure: null).HeartbeatInterval);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Sse__HeartbeatInterval", null);
        }
    }

    [Fact]
    public void A_bound_value_that_breaks_a_rule_fails_naming_the_setting()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Bind(configure: null, ("Sse:HeartbeatInterval", "00:00:00")));

        Assert.Contains("Sse:HeartbeatInterval", exception.Message, StringComparison.Ordinal);
    }

    private static SseOptions Bind(Action<SseOptions>? configure, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
            .Build();
        return Resolve(configuration, configure);
    }

    private static SseOptions Resolve(IConfiguration configuration, Action<SseOptions>? configure)
    {
        var services = new ServiceCollection().AddSingleton(configuration);
        if (configure is null)
        {
            services.AddSse();
        }
        else
        {
            services.AddSse(configure);
        }

        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SseOptions>>().Value;
    }
}
