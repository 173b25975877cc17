using System.Net.ServerSentEvents;
using SseFunctions.Events;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// Every publish a test attempted, acknowledged or not, and the check that a stream received exactly what it must:
/// every acknowledged event of its channels once, in position order, each publisher's events in the order it published
/// them, and nothing else but (at most once each) attempts that failed, since a failed publish may still have been stored.
/// </summary>
public sealed class PublishLedger
{
    private readonly Lock _gate = new();
    private readonly List<PublishAttempt> _attempts = [];
    private readonly Dictionary<(string Publisher, int Sequence), int> _attemptCounts = [];

    public IReadOnlyList<PublishAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Publishes one attempt; false (and recorded as not acknowledged) when the broker was unavailable.</summary>
    public async Task<bool> TryPublishAsync(ISsePublisher publisher, string channel, string publisherName, int sequence)
    {
        var label = NextLabel(publisherName, sequence);
        try
        {
            await publisher.PublishAsync(label, channel: channel);
            Record(new PublishAttempt(label, channel, publisherName, sequence, Acknowledged: true));
            return true;
        }
        catch (SseBrokerUnavailableException)
        {
            Record(new PublishAttempt(label, channel, publisherName, sequence, Acknowledged: false));
            return false;
        }
    }

    /// <summary>Publishes until one attempt is acknowledged, as an application retrying after a failure would.</summary>
    public async Task PublishUntilAcknowledgedAsync(ISsePublisher publisher, string channel, string publisherName, int sequence)
    {
        using var deadline = new CancellationTokenSource(Infrastructure.SseTestClient.Patience);
        while (!await TryPublishAsync(publisher, channel, publisherName, sequence))
        {
            // Pacing only: each attempt fails fast while Redis is away.
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    /// <summary>A label for the next attempt of this publisher and sequence, unique in the test; for publishing outside the ledger.</summary>
    public string NextLabel(string publisherName, int sequence)
    {
        lock (_gate)
        {
            var attempt = _attemptCounts.GetValueOrDefault((publisherName, sequence));
            _attemptCounts[(publisherName, sequence)] = attempt + 1;
            return $"{publisherName}.{sequence}.{attempt}";
        }
    }

    public void Record(PublishAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
        }
    }

    /// <summary>True once every acknowledged event of the channels so far is among <paramref name="received"/>.</summary>
    public bool AllAcknowledgedReceived(IEnumerable<SseItem<string>> received, params string[] channels)
    {
        var labels = received.Select(item => item.Data).ToHashSet(StringComparer.Ordinal);
        return Attempts.Where(attempt => attempt.Acknowledged && channels.Contains(attempt.Channel)).All(attempt => labels.Contains(attempt.Label));
    }

    /// <summary>The acknowledged events of the channels not among <paramref name="received"/>, for failure messages.</summary>
    public string Missing(IEnumerable<SseItem<string>> received, params string[] channels)
    {
        var labels = received.Select(item => item.Data).ToHashSet(StringComparer.Ordinal);
        var missing = Attempts.Where(attempt => attempt.Acknowledged && channels.Contains(attempt.Channel) && !labels.Contains(attempt.Label));
        return $"Missing: {string.Join(", ", missing.Select(attempt => attempt.Label))}.";
    }

    public void AssertExactlyOnceInOrder(IReadOnlyList<SseItem<string>> received, params string[] channels) =>
        AssertExactlyOnce(received, channels, static _ => string.Empty);

    /// <summary>
    /// As <see cref="AssertExactlyOnceInOrder"/>, but in position order within each channel only, as a Redis Cluster
    /// promises: channels on different nodes arrive in no relative order.
    /// </summary>
    public void AssertExactlyOnceInChannelOrder(IReadOnlyList<SseItem<string>> received, params string[] channels) =>
        AssertExactlyOnce(received, channels, static attempt => attempt.Channel);

    /// <summary>Events of one <paramref name="orderScope"/> must arrive in position order, and each publisher's in its order.</summary>
    private void AssertExactlyOnce(IReadOnlyList<SseItem<string>> received, string[] channels, Func<PublishAttempt, string> orderScope)
    {
        var attempts = Attempts.Where(attempt => channels.Contains(attempt.Channel)).ToDictionary(attempt => attempt.Label, StringComparer.Ordinal);
        var events = received.Where(item => item.EventType == "message").ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lastPosition = new Dictionary<string, EventPosition>(StringComparer.Ordinal);
        var lastSequence = new Dictionary<(string Scope, string Publisher), int>();
        foreach (var item in events)
        {
            Assert.True(attempts.TryGetValue(item.Data, out var attempt), $"'{item.Data}' was never published on {string.Join('/', channels)}. {Describe(events)}");
            Assert.True(seen.Add(item.Data), $"'{item.Data}' arrived twice. {Describe(events)}");
            Assert.True(EventPosition.TryParse(item.EventId, out var position), $"'{item.Data}' has id '{item.EventId}', no position.");
            var scope = orderScope(attempt!);
            var before = lastPosition.GetValueOrDefault(scope, EventPosition.Zero);
            Assert.True(position > before, $"'{item.Data}' ({position}) arrived after position {before}. {Describe(events)}");
            lastPosition[scope] = position;
            Assert.True(
                attempt!.Sequence > lastSequence.GetValueOrDefault((scope, attempt.Publisher), -1),
                $"'{item.Data}' arrived after a later event of {attempt.Publisher}. {Describe(events)}");
            lastSequence[(scope, attempt.Publisher)] = attempt.Sequence;
        }

        var missing = attempts.Values.Where(attempt => attempt.Acknowledged && !seen.Contains(attempt.Label)).Select(attempt => attempt.Label).ToList();
        Assert.True(missing.Count == 0, $"Acknowledged but never received: {string.Join(", ", missing)}. {Describe(events)}");
    }

    private static string Describe(IEnumerable<SseItem<string>> events) =>
        $"Received: {string.Join(", ", events.Select(item => $"{item.Data}@{item.EventId}"))}";
}
