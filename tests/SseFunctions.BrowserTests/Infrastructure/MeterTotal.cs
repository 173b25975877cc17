using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>The running total of one of SseFunctions' counters, for one app only (its own meter factory).</summary>
public sealed class MeterTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public MeterTotal(SampleHost host, string instrumentName)
    {
        var meterFactory = host.App.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SseFunctions" && ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
