namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>How long a test waits for something that should happen, before it reports that it did not.</summary>
internal static class Waits
{
    /// <summary>Far more than anything takes on a busy two-core machine; only a broken feature waits this long.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
}
