using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SseFunctions.Streaming;

/// <summary>
/// What a stream request asks for: its channels (<c>?channel=</c>, repeatable, default <c>sse</c>) and where to resume
/// from (the <c>Last-Event-ID</c> header, or <c>?lastEventId=</c> for clients that cannot set headers).
/// </summary>
internal sealed record StreamRequest(IReadOnlyList<string> Channels, string? LastEventId)
{
    public static StreamRequest Parse(HttpRequest request, SseOptions options, out string? problem)
    {
        problem = null;
        var values = request.Query["channel"];
        var channels = new List<string>(Math.Max(1, values.Count));
        foreach (var value in values)
        {
            if (ChannelNameRules.Problem(value, options) is { } channelProblem)
            {
                problem = channelProblem;
                return new StreamRequest([], null);
            }

            if (!channels.Contains(value!, StringComparer.Ordinal))
            {
                channels.Add(value!);
            }
        }

        if (channels.Count == 0)
        {
            channels.Add(SseOptions.DefaultChannel);
        }

        if (channels.Count > options.MaxChannelsPerStream)
        {
            problem = string.Create(
                CultureInfo.InvariantCulture,
                $"The stream asks for {channels.Count} channels; at most {options.MaxChannelsPerStream} are allowed on one stream (Sse:MaxChannelsPerStream).");
            return new StreamRequest([], null);
        }

        string? lastEventId = request.Headers["Last-Event-ID"];
        if (string.IsNullOrEmpty(lastEventId))
        {
            lastEventId = request.Query["lastEventId"];
        }

        return new StreamRequest(channels, string.IsNullOrEmpty(lastEventId) ? null : lastEventId);
    }
}
