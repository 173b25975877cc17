namespace SseFunctions.Tests.Resilience;

/// <summary>The end of a test under load: nothing acknowledged was lost, duplicated or reordered on any stream.</summary>
public static class SessionChecks
{
    /// <summary>Opens one browser session per entry, on a stream of those channels.</summary>
    public static async Task<IReadOnlyList<BrowserSession>> OpenAsync(Infrastructure.SseTestHost host, IReadOnlyList<string[]> channelsOfSessions)
    {
        var sessions = new List<BrowserSession>();
        foreach (var channels in channelsOfSessions)
        {
            sessions.Add(await BrowserSession.StartAsync(host, "?" + string.Join('&', channels.Select(channel => "channel=" + channel))));
        }

        return sessions;
    }

    /// <summary>
    /// Publishes a last event per channel (nothing older can still be on its way after it), then checks that every
    /// session received every acknowledged event of its channels once and in order, on the one stream it opened: in
    /// position order across its channels, or within each channel only when <paramref name="acrossChannels"/> is false
    /// (a Redis Cluster, where channels of different nodes arrive in no relative order).
    /// </summary>
    public static async Task AssertEveryAcknowledgedOnceOnOneStreamAsync(
        PublishLedger ledger,
        ISsePublisher publisher,
        IReadOnlyList<BrowserSession> sessions,
        IReadOnlyList<string[]> channelsOfSessions,
        bool acrossChannels = true)
    {
        var channels = channelsOfSessions.SelectMany(sessionChannels => sessionChannels).Distinct().ToList();
        for (var i = 0; i < channels.Count; i++)
        {
            await ledger.PublishUntilAcknowledgedAsync(publisher, channels[i], "marker", i);
        }

        for (var i = 0; i < sessions.Count; i++)
        {
            var sessionChannels = channelsOfSessions[i];
            await sessions[i].WaitUntilAsync(
                events => ledger.AllAcknowledgedReceived(events, sessionChannels),
                "every acknowledged event of " + string.Join('/', sessionChannels),
                events => ledger.Missing(events, sessionChannels));
            if (acrossChannels)
            {
                ledger.AssertExactlyOnceInOrder(sessions[i].Events, sessionChannels);
            }
            else
            {
                ledger.AssertExactlyOnceInChannelOrder(sessions[i].Events, sessionChannels);
            }
            Assert.Equal(1, sessions[i].Connections);
        }
    }
}
