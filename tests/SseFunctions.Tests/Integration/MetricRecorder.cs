using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SseFunctions.Tests.Integration;

/// <summary>
/// Totals of the <c>SseFunctions</c> meter of one host only: the meter comes from the host's <see cref="IMeterFactory"/>,
/// which is its scope, so hosts of tests running in parallel never count into each other.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MetricRecorder(IServiceProvider services)
    {
        var scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SseFunctions" && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.Start();
    }

    public long Total(string instrument)
    {
        lock (_gate)
        {
            return _totals.GetValueOrDefault(instrument);
        }
    }

    /// <summary>Waits until the instrument's total reaches <paramref name="atLeast"/>; false if it did not in time.</summary>
    public Task<bool> WaitForAsync(string instrument, long atLeast, TimeSpan timeout) =>
        WaitForAsync(instrument, total => total >= atLeast, timeout);

    /// <summary>Waits until the instrument's total satisfies <paramref name="condition"/>; false if it did not in time.</summary>
    public async Task<bool> WaitForAsync(string instrument, Func<long, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_totals.GetValueOrDefault(instrument)))
                {
                    return true;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, long value)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _totals[instrument] = _totals.GetValueOrDefault(instrument) + value;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
