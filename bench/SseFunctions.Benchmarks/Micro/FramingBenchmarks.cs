using BenchmarkDotNet.Attributes;
using SseFunctions.Events;
using SseFunctions.Framing;

namespace SseFunctions.Benchmarks.Micro;

/// <summary>Framing one event as text/event-stream bytes: done once per event and channel, whatever the streams.</summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private readonly SseEnvelope _short = new("12345:638700000000000000", null, "1731000000000-0", null);
    private readonly SseEnvelope _typedJson = new(
        """{"user":"alice","text":"Hello, world! A message of a typical chat size, with some more words in it."}""",
        "message",
        "1731000000000-1",
        null);

    private readonly SseEnvelope _multiLine = new("first line\nsecond line\r\nthird line", "notice", "1731000000000-2", 3000);

    [Benchmark(Baseline = true)]
    public object ShortEventWithId() => SseFrameEncoder.Encode(_short);

    [Benchmark]
    public object TypedJsonEvent() => SseFrameEncoder.Encode(_typedJson);

    [Benchmark]
    public object ThreeLinesWithRetry() => SseFrameEncoder.Encode(_multiLine);
}
