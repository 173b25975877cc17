using System.Diagnostics;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// Counts one stream's benchmark events by their sequence numbers (a gap is a lost event, going back is a duplicate)
/// and records each one's publish-to-receive latency.
/// </summary>
internal sealed class DeliveryCounter
{
    private static readonly long TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000;

    public long Received { get; private set; }

    public long Lost { get; private set; }

    public long Duplicates { get; private set; }

    public long NextSequence { get; private set; }

    public void Count(long sequence, long timestamp, in Arrival arrival)
    {
        if (sequence < NextSequence)
        {
            Duplicates++;
            return;
        }

        Lost += sequence - NextSequence;
        NextSequence = sequence + 1;
        Received++;
        if (sequence >= arrival.MeasureFrom)
        {
            arrival.Latencies.Record((arrival.Now - timestamp) / TicksPerMicrosecond);
        }
    }
}
