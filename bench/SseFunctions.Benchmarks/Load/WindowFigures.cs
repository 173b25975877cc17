namespace SseFunctions.Benchmarks.Load;

/// <summary>What the server did over the middle half of the publishing time.</summary>
/// <param name="DeliveriesPerSecond">Events received by all streams together per second: the offered rate, or the server's ceiling.</param>
/// <param name="AllocatedPerDelivery">Bytes the server allocated per delivery; null without its control endpoints.</param>
/// <param name="PoolAllocatedPerDelivery">
/// Of <paramref name="AllocatedPerDelivery"/>, the bytes Kestrel's block pool allocated as more response bytes waited at
/// once than before; null without the server's control endpoints.
/// </param>
/// <param name="CpuPerDelivery">Server CPU per delivery, in microseconds; null for a server started elsewhere.</param>
internal sealed record WindowFigures(double DeliveriesPerSecond, double? AllocatedPerDelivery, double? PoolAllocatedPerDelivery, double? CpuPerDelivery);
