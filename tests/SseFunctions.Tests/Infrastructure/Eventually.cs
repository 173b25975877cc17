namespace SseFunctions.Tests.Infrastructure;

/// <summary>Waits for a condition that something else makes true, checking it often, and fails the test if it is not in time.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? SseTestClient.Patience);
        while (!await condition())
        {
            Assert.False(deadline.IsCancellationRequested, $"Not in time: {what}.");
            await Task.Delay(PollInterval);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);
}
