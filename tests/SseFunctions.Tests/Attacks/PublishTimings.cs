using System.Diagnostics;

namespace SseFunctions.Tests.Attacks;

/// <summary>How long publishes took, and which failed: what publishers see while the server is under attack.</summary>
public sealed class PublishTimings
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _durations = [];
    private readonly List<Exception> _failures = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _durations.Count;
            }
        }
    }

    public IReadOnlyList<Exception> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    public TimeSpan Max
    {
        get
        {
            lock (_gate)
            {
                return _durations.Max();
            }
        }
    }

    public async Task TimeAsync(Func<Task> publish)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await publish();
        }
        catch (Exception exception) when (exception is SseBrokerUnavailableException or TimeoutException)
        {
            lock (_gate)
            {
                _failures.Add(exception);
            }
        }

        lock (_gate)
        {
            _durations.Add(Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Publishes one after another until <paramref name="stop"/> fires.</summary>
    public async Task RunUntilAsync(Func<Task> publish, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await TimeAsync(publish);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var sorted = _durations.Order().ToList();
            return sorted.Count == 0
                ? "no publishes"
                : $"{sorted.Count} publishes, median {sorted[sorted.Count / 2].TotalMilliseconds:0} ms, 99th percentile " +
                  $"{sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.99))].TotalMilliseconds:0} ms, " +
                  $"max {sorted[^1].TotalMilliseconds:0} ms, {_failures.Count} failed";
        }
    }
}
