using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;
using SseFunctions.Brokers;
using SseFunctions.Configuration;
using SseFunctions.Diagnostics;

using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Configuration;

public sealed class SseBrokerFactoryTests : IDisposable
{
    private const string Secret = "s3cr3t-Pa55";

    // Malformed (a database path that is not a number), so the error says which setting was read.
    private const string Malformed = $"redis://:{Secret}@host/not-a-db";
    private const string Valid = $"redis://:{Secret}@127.0.0.1:1";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly LoggerFactory _loggerFactory;

    public SseBrokerFactoryTests() => _loggerFactory = new LoggerFactory([_logs]);

    [Fact]
    public async Task Sse_RedisUrl_is_used_before_SSE_REDIS_URL_and_REDIS_URL()
    {
        await using var broker = Create(new SseOptions { RedisUrl = Valid }, ("SSE_REDIS_URL", Malformed), ("REDIS_URL", Malformed));

        Assert.IsType<RedisSseBroker>(broker);
        var exception = Assert.Throws<InvalidOperationException>(
            () => Create(new SseOptions { RedisUrl = Malformed }, ("SSE_REDIS_URL", Valid), ("REDIS_URL", Valid)));
        Assert.StartsWith("The setting Sse:RedisUrl is malformed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SSE_REDIS_URL_is_used_before_REDIS_URL()
    {
        await using var broker = Create(new SseOptions(), ("SSE_REDIS_URL", Valid), ("REDIS_URL", Malformed));

        Assert.IsType<RedisSseBroker>(broker);
        var exception = Assert.Throws<InvalidOperationException>(() => Create(new SseOptions(), ("SSE_REDIS_URL", Malformed), ("REDIS_URL", Valid)));
        Assert.StartsWith("The setting SSE_REDIS_URL is malformed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void REDIS_URL_is_used_when_it_is_the_only_setting()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Create(new SseOptions(), ("REDIS_URL", Malformed)));

        Assert.StartsWith("The setting REDIS_URL is malformed", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Empty_or_whitespace_settings_count_as_unset(string blank)
    {
        var fromSse = Assert.Throws<InvalidOperationException>(
            () => Create(new SseOptions { RedisUrl = blank }, ("SSE_REDIS_URL", Malformed)));
        var fromRedis = Assert.Throws<InvalidOperationException>(
            () => Create(new SseOptions { RedisUrl = blank }, ("SSE_REDIS_URL", blank), ("REDIS_URL", Malformed)));

        Assert.StartsWith("The setting SSE_REDIS_URL is malformed", fromSse.Message, StringComparison.Ordinal);
        Assert.StartsWith("The setting REDIS_URL is malformed", fromRedis.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Without_Redis_in_Development_the_in_memory_broker_is_used_with_exactly_one_warning(string? blank)
    {
        await using var broker = Create(new SseOptions { RedisUrl = blank }, ("SSE_REDIS_URL", blank), ("REDIS_URL", blank));

        Assert.IsType<InMemorySseBroker>(broker);
        var warning = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(typeof(SseBrokerFactory).FullName, warning.Category);
        Assert.Contains("SSE_REDIS_URL", warning.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\bREDIS_URL\b"), warning.Message);
        Assert.Contains("in-memory", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Redis_configured_nothing_is_logged_at_warning_or_above()
    {
        await using var broker = Create(new SseOptions(), ("REDIS_URL", Valid));

        Assert.DoesNotContain(_logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Without_Redis_outside_Development_the_error_names_both_settings(string environment)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CreateIn(environment, new SseOptions()));

        Assert.Contains("SSE_REDIS_URL", exception.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\bREDIS_URL\b"), exception.Message);
        Assert.Contains($"'{environment}'", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_logs.Entries);
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _services.Dispose();
    }

    private ISseBroker Create(SseOptions options, params (string Name, string? Value)[] settings) =>
        CreateIn(Environments.Development, options, settings);

    private ISseBroker CreateIn(string environment, SseOptions options, params (string Name, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Name, setting.Value)))
            .Build();
        var hostEnvironment = Mock.Of<IHostEnvironment>(host => host.EnvironmentName == environment);
        return SseBrokerFactory.Create(
            options,
            configuration,
            hostEnvironment,
            new SseMetrics(_services.GetRequiredService<IMeterFactory>()),
            _loggerFactory,
            credentials: null,
            TimeProvider.System);
    }
}
