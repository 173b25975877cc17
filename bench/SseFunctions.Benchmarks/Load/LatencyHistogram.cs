using System.Numerics;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Counts latencies in microseconds: exact below 256 µs, then 128 buckets per power of two (under 1% error), so that
/// recording is one array increment and percentiles come from a short walk.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int LinearLimit = 2 * SubBuckets;
    private const int LinearExponent = SubBucketBits + 1;
    private const int Exponents = 48;

    private readonly long[] _counts = new long[LinearLimit + ((Exponents - LinearExponent) * SubBuckets)];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        _counts[IndexOf(value)]++;
        Count++;
        Max = Math.Max(Max, value);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the recorded values fall, in microseconds.</summary>
    public long Percentile(double percentile)
    {
        var rank = (long)Math.Ceiling(Count * percentile / 100);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(rank, 1))
            {
                return Math.Min(UpperBoundOf(i), Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        var exponent = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)value), Exponents - 1);
        var subBucket = (int)(value >> (exponent - SubBucketBits)) & (SubBuckets - 1);
        return LinearLimit + ((exponent - LinearExponent) * SubBuckets) + subBucket;
    }

    private static long UpperBoundOf(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var exponent = ((index - LinearLimit) / SubBuckets) + LinearExponent;
        var subBucket = (index - LinearLimit) % SubBuckets;
        return ((long)(SubBuckets + subBucket + 1) << (exponent - SubBucketBits)) - 1;
    }
}
