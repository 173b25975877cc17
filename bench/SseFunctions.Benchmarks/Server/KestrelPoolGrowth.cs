using System.Diagnostics.Metrics;

namespace SseFunctions.Benchmarks.Server;

/// <summary>
/// Bytes Kestrel's block pool has allocated so far, from its own <c>aspnetcore.memory_pool.allocated</c> counter: the
/// pool allocates only when more response bytes wait to be sent at once than ever before, so this tells the growth of
/// the buffers behind the response pipes apart from what the server allocates per event or per delivery.
/// </summary>
internal sealed class KestrelPoolGrowth : IDisposable
{
    private const string MeterName = "Microsoft.AspNetCore.MemoryPool";
    private const string AllocatedCounter = "aspnetcore.memory_pool.allocated";

    private readonly MeterListener _listener = new();
    private long _allocated;

    public KestrelPoolGrowth()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == AllocatedCounter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, bytes, _, _) => Interlocked.Add(ref _allocated, bytes));
        _listener.Start();
    }

    public long Allocated => Volatile.Read(ref _allocated);

    public void Dispose() => _listener.Dispose();
}
