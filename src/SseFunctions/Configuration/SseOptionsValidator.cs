using Microsoft.Extensions.Options;

namespace SseFunctions.Configuration;

/// <summary>Refuses settings that cannot work, at start-up, naming the setting and what it must be.</summary>
internal sealed class SseOptionsValidator : IValidateOptions<SseOptions>
{
    public ValidateOptionsResult Validate(string? name, SseOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(SseOptions.HeartbeatInterval), options.HeartbeatInterval);
        Positive(failures, nameof(SseOptions.MaxStreamDuration), options.MaxStreamDuration);
        Positive(failures, nameof(SseOptions.HistoryMaxAge), options.HistoryMaxAge);
        Positive(failures, nameof(SseOptions.PublishTimeout), options.PublishTimeout);
        Positive(failures, nameof(SseOptions.ConnectTimeout), options.ConnectTimeout);
        AtLeastOne(failures, nameof(SseOptions.MaxChannelsPerStream), options.MaxChannelsPerStream);
        AtLeastOne(failures, nameof(SseOptions.MaxChannelNameLength), options.MaxChannelNameLength);
        AtLeastOne(failures, nameof(SseOptions.StreamQueueCapacity), options.StreamQueueCapacity);
        AtLeastOne(failures, nameof(SseOptions.HistoryMaxLength), options.HistoryMaxLength);
        Positive(failures, nameof(SseOptions.WriteTimeout), options.WriteTimeout);
        AtLeastOne(failures, nameof(SseOptions.MaxConcurrentHistoryReads), options.MaxConcurrentHistoryReads);
        if (options.MaxOpenStreams < 1)
        {
            failures.Add($"Sse:MaxOpenStreams must be at least 1, or unset for no limit; it is {options.MaxOpenStreams}.");
        }

        if (options.ReplayPageSize < 1024)
        {
            failures.Add($"Sse:ReplayPageSize must be at least 1024 bytes; it is {options.ReplayPageSize}.");
        }

        if (options.MaxReplaySize < options.ReplayPageSize)
        {
            failures.Add($"Sse:MaxReplaySize must be at least Sse:ReplayPageSize ({options.ReplayPageSize} bytes); it is {options.MaxReplaySize}.");
        }
        if (options.MaxEventSize < 64)
        {
            failures.Add($"Sse:MaxEventSize must be at least 64 bytes; it is {options.MaxEventSize}.");
        }

        if (options.MaxStreamDurationJitter < TimeSpan.Zero || options.MaxStreamDurationJitter >= options.MaxStreamDuration)
        {
            failures.Add(
                $"Sse:MaxStreamDurationJitter must be zero or more and less than Sse:MaxStreamDuration ({options.MaxStreamDuration}); it is {options.MaxStreamDurationJitter}.");
        }

        if (options.ReconnectInterval < TimeSpan.Zero)
        {
            failures.Add($"Sse:ReconnectInterval must be zero or more, or unset; it is {options.ReconnectInterval}.");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            failures.Add("Sse:KeyPrefix must not be empty: it keeps the package's Redis keys apart from the application's.");
        }
        else if (options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            // The prefix becomes the keys' hash tag {prefix}, which keeps them in one Redis Cluster slot.
            failures.Add("Sse:KeyPrefix must not contain '{' or '}': the package makes it the hash tag of its Redis keys.");
        }

        if (options.JsonSerializerOptions is null)
        {
            failures.Add("Sse:JsonSerializerOptions must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Sse:{name} must be more than zero; it is {value}.");
        }
    }

    private static void AtLeastOne(List<string> failures, string name, int value)
    {
        if (value < 1)
        {
            failures.Add($"Sse:{name} must be at least 1; it is {value}.");
        }
    }
}
