namespace SseFunctions.Brokers;

/// <summary>
/// How much one history read returns at most: so many events, or so many bytes of them, whichever comes first; always
/// at least one event, however large, so that a read makes progress.
/// </summary>
internal readonly record struct HistoryLimit(int Events, int Bytes)
{
    /// <summary>Everything retained, in one read.</summary>
    public static HistoryLimit None { get; } = new(int.MaxValue, int.MaxValue);
}
