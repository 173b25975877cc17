namespace SseFunctions.Brokers;

/// <summary>Whether a history read could serve everything after the position asked for.</summary>
internal enum HistoryGap
{
    /// <summary>Every event after the position is in the read.</summary>
    None,

    /// <summary>Events after the position were trimmed from history (too old, or too many since).</summary>
    Expired,

    /// <summary>
    /// The position is not one this history knows: it comes from another broker, it is ahead of every position
    /// assigned, or the history was lost after it (Redis restarted without its data).
    /// </summary>
    Unknown,
}
