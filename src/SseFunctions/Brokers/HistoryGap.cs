namespace SseFunctions.Brokers;

/// <summary>Whether a history read could serve everything after the position asked for.</summary>
internal enum HistoryGap
{
    /// <summary>Every event after the position is in the read.</summary>
    None,

    /// <summary>Events after the position were trimmed from history (too old, or too many since).</summary>
    Expired,

    /// <summary>No event was ever given that position: it comes from another broker, or history was wiped.</summary>
    Unknown,
}
