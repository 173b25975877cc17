namespace SseFunctions.Tests.Attacks;

/// <summary>What the server process holds live on its managed heap (Kestrel's pinned buffers included), after a full collection.</summary>
public static class ServerMemory
{
    public static long Live()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0.0} MB";
}
