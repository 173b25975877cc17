using System.Text;
using BenchmarkDotNet.Attributes;
using SseFunctions.Events;

namespace SseFunctions.Benchmarks.Micro;

/// <summary>Parsing the Flask-SSE envelope of one Redis message: done once per event and channel.</summary>
[MemoryDiagnoser]
public class EnvelopeDecodingBenchmarks
{
    private readonly byte[] _short = Encoding.UTF8.GetBytes("""{"data":"12345:638700000000000000","id":"1731000000000-0"}""");
    private readonly byte[] _typedJson = Encoding.UTF8.GetBytes(
        """{"data":{"user":"alice","text":"Hello, world! A message of a typical chat size, with some more words in it."},"type":"message","id":"1731000000000-1"}""");

    [Benchmark(Baseline = true)]
    public object? StringDataWithId() => EnvelopeDecoder.TryDecode(_short, out var envelope, out _) ? envelope : null;

    [Benchmark]
    public object? ObjectDataWithTypeAndId() => EnvelopeDecoder.TryDecode(_typedJson, out var envelope, out _) ? envelope : null;
}
