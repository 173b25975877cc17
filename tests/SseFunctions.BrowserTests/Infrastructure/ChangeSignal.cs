namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>Wakes waiters whenever what they watch changes, so that they re-check their condition instead of polling.</summary>
internal sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = New();

    public void Raise()
    {
        TaskCompletionSource current;
        lock (_gate)
        {
            current = _next;
            _next = New();
        }

        current.SetResult();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking it at each change; fails with <paramref name="failure"/>'s text.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, Func<string> failure)
    {
        using var timeout = new CancellationTokenSource(Waits.Generous);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                next = _next.Task;
            }

            // Checked after taking the signal, so that a change in between still wakes this waiter.
            if (condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(failure());
            }
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
