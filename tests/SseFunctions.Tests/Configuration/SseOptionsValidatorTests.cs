using SseFunctions.Configuration;

namespace SseFunctions.Tests.Configuration;

public sealed class SseOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        var result = new SseOptionsValidator().Validate(null, new SseOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("HeartbeatInterval", "must be more than zero")]
    [InlineData("MaxStreamDuration", "must be more than zero")]
    [InlineData("HistoryMaxAge", "must be more than zero")]
    [InlineData("PublishTimeout", "must be more than zero")]
    [InlineData("ConnectTimeout", "must be more than zero")]
    [InlineData("MaxChannelsPerStream", "must be at least 1")]
    [InlineData("MaxChannelNameLength", "must be at least 1")]
    [InlineData("StreamQueueCapacity", "must be at least 1")]
    [InlineData("HistoryMaxLength", "must be at least 1")]
    [InlineData("MaxEventSize", "must be at least 64 bytes")]
    [InlineData("MaxStreamDurationJitter", "must be zero or more and less than Sse:MaxStreamDuration")]
    [InlineData("ReconnectInterval", "must be zero or more")]
    [InlineData("KeyPrefix", "must not be empty")]
    [InlineData("WriteTimeout", "must be more than zero")]
    [InlineData("MaxOpenStreams", "must be at least 1, or unset for no limit")]
    [InlineData("ReplayPageSize", "must be at least 1024 bytes")]
    [InlineData("MaxReplaySize", "must be at least Sse:ReplayPageSize")]
    [InlineData("MaxConcurrentHistoryReads", "must be at least 1")]
    [InlineData("JsonSerializerOptions", "must not be null")]
    public void Each_rule_names_its_setting(string setting, string rule)
    {
        var options = new SseOptions();
        Break(options, setting);

        var result = new SseOptionsValidator().Validate(null, options);

        // A zero MaxStreamDuration also breaks the jitter rule; every failure still names its setting.
        Assert.True(result.Failed);
        Assert.All(result.Failures!, failure => Assert.StartsWith("Sse:", failure, StringComparison.Ordinal));
        Assert.Contains(
            result.Failures!,
            failure => failure.StartsWith($"Sse:{setting} ", StringComparison.Ordinal) && failure.Contains(rule, StringComparison.Ordinal));
        Assert.Contains($"Sse:{setting} ", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HeartbeatInterval", "-00:00:01")]
    [InlineData("MaxStreamDuration", "-00:00:01")]
    [InlineData("MaxChannelsPerStream", "-1")]
    [InlineData("MaxEventSize", "63")]
    [InlineData("MaxStreamDurationJitter", "-00:00:01")]
    public void Values_just_past_the_limit_fail_too(string setting, string value)
    {
        var options = new SseOptions();
        Set(options, setting, value);

        var result = new SseOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures ?? [], failure => failure.StartsWith($"Sse:{setting} ", StringComparison.Ordinal));
    }

    [Fact]
    public void Values_at_the_limit_pass()
    {
        var options = new SseOptions
        {
            MaxChannelsPerStream = 1,
            MaxChannelNameLength = 1,
            StreamQueueCapacity = 1,
            HistoryMaxLength = 1,
            MaxEventSize = 64,
            MaxStreamDurationJitter = TimeSpan.Zero,
            ReconnectInterval = TimeSpan.Zero,
            HeartbeatInterval = TimeSpan.FromTicks(1),
            MaxOpenStreams = 1,
            ReplayPageSize = 1024,
            MaxReplaySize = 1024,
            MaxConcurrentHistoryReads = 1,
        };

        Assert.True(new SseOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new SseOptionsValidator().Validate(null, new SseOptions { ReconnectInterval = null }).Succeeded);
    }

    [Fact]
    public void A_jitter_as_long_as_the_maximum_duration_fails()
    {
        var options = new SseOptions { MaxStreamDuration = TimeSpan.FromMinutes(1), MaxStreamDurationJitter = TimeSpan.FromMinutes(1) };

        var failure = Assert.Single(new SseOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("Sse:MaxStreamDurationJitter ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app{1}:")]
    [InlineData("}")]
    public void A_key_prefix_with_braces_is_refused_since_it_becomes_the_hash_tag(string prefix)
    {
        var failure = Assert.Single(new SseOptionsValidator().Validate(null, new SseOptions { KeyPrefix = prefix }).Failures!);

        Assert.Equal("Sse:KeyPrefix must not contain '{' or '}': the package makes it the hash tag of its Redis keys.", failure);
    }

    [Fact]
    public void Every_failure_is_reported_at_once()
    {
        var options = new SseOptions { HeartbeatInterval = TimeSpan.Zero, MaxChannelsPerStream = 0, KeyPrefix = string.Empty };

        var result = new SseOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains("Sse:HeartbeatInterval", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Sse:MaxChannelsPerStream", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Sse:KeyPrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    private static void Break(SseOptions options, string setting)
    {
        switch (setting)
        {
            case nameof(SseOptions.KeyPrefix):
                options.KeyPrefix = string.Empty;
                break;
            case nameof(SseOptions.JsonSerializerOptions):
                options.JsonSerializerOptions = null!;
                break;
            case nameof(SseOptions.MaxEventSize):
                Set(options, setting, "63");
                break;
            case nameof(SseOptions.ReconnectInterval):
                Set(options, setting, "-00:00:00.001");
                break;
            case nameof(SseOptions.MaxStreamDurationJitter):
                Set(options, setting, "00:15:00");
                break;
            case nameof(SseOptions.MaxOpenStreams):
                Set(options, setting, "0");
                break;
            default:
                Set(options, setting, typeof(SseOptions).GetProperty(setting)!.PropertyType == typeof(int) ? "0" : "00:00:00");
                break;
        }
    }

    private static void Set(SseOptions options, string setting, string value)
    {
        var property = typeof(SseOptions).GetProperty(setting)!;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        property.SetValue(
            options,
            type == typeof(TimeSpan)
                ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
