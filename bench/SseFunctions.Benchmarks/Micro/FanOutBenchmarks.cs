using System.Diagnostics.Metrics;
using System.Text;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SseFunctions.Brokers;
using SseFunctions.Diagnostics;
using SseFunctions.Streaming;

namespace SseFunctions.Benchmarks.Micro;

/// <summary>
/// One Redis message handed to 10,000 streams, as the hub does it (decode, frame once, enqueue everywhere), and each
/// stream's writer taking it (its wait completes on the thread pool, it reads the queue, it waits again). Allocations
/// per operation are per event: divide by 10,000 for per delivery.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA2012:Use ValueTasks correctly",
    Justification = "Each stream's pending wait is kept and consumed exactly once, as its writer's await would.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "BenchmarkDotNet disposes them in the global cleanup; it never disposes a benchmark instance itself.")]
public class FanOutBenchmarks
{
    private const int Streams = 10_000;
    private const string Channel = "bench";

    private readonly byte[] _payload = Encoding.UTF8.GetBytes("""{"data":"12345:638700000000000000","id":"1731000000000-0"}""");
    private readonly ValueTask<bool>[] _waits = new ValueTask<bool>[Streams];
    private readonly ValueTask<bool>[] _baselineWaits = new ValueTask<bool>[Streams];
    private readonly CancellationTokenSource _baselineAborted = new();
    private ServiceProvider _services = null!;
    private ChannelHub _hub = null!;
    private StreamQueue[] _connections = null!;
    private Action<byte[]> _dispatch = null!;
    private Channel<byte[]>[] _baselineQueues = null!;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        var options = new SseOptions();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new SseMetrics(_services.GetRequiredService<IMeterFactory>());
        var broker = new InMemorySseBroker(options, TimeProvider.System);
        _hub = new ChannelHub(broker, options, metrics, NullLogger<ChannelHub>.Instance);
        _connections = new StreamQueue[Streams];
        for (var i = 0; i < Streams; i++)
        {
            _connections[i] = new StreamQueue(options.StreamQueueCapacity, long.MaxValue, 0);
            await _hub.JoinAsync(Channel, _connections[i]);
            _waits[i] = _connections[i].WaitToReadAsync();
        }

        // Through the broker's inbox and the hub's ordered pass, as a message from Redis goes.
        _dispatch = payload => broker.PublishAsync(Channel, payload, appendToHistory: false, CancellationToken.None);
        _baselineQueues = new Channel<byte[]>[Streams];
        for (var i = 0; i < Streams; i++)
        {
            _baselineQueues[i] = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
            _baselineWaits[i] = _baselineQueues[i].Reader.WaitToReadAsync(_baselineAborted.Token);
        }

        // The same message twice must reach every stream twice: the hub leaves skipping repeats to the writers.
        if (HubDispatchTo10000Streams() + HubDispatchTo10000Streams() != 2 * Streams)
        {
            throw new InvalidOperationException("Not every stream received every event; the benchmark would measure less than a fan-out.");
        }
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _hub.Dispose();
        _services.Dispose();
        _baselineAborted.Dispose();
    }

    /// <summary>The package: what the Redis callback does for one message, then what each stream's writer does with it.</summary>
    [Benchmark(Baseline = true)]
    public int HubDispatchTo10000Streams()
    {
        _dispatch(_payload);
        var read = 0;
        for (var i = 0; i < _connections.Length; i++)
        {
            var connection = _connections[i];

            // Each wait completes on the thread pool, as a stream's writer is woken.
            var spinner = default(SpinWait);
            while (!_waits[i].IsCompleted)
            {
                spinner.SpinOnce();
            }

            if (_waits[i].Result)
            {
                while (connection.TryRead(out _))
                {
                    read++;
                }
            }

            _waits[i] = connection.WaitToReadAsync();
        }

        return read;
    }

    /// <summary>The baseline's unbounded channels with the same steps, its wait cancellable as a stream's must be.</summary>
    [Benchmark]
    public int UnboundedChannels10000Streams()
    {
        var frame = _payload;
        var read = 0;
        for (var i = 0; i < _baselineQueues.Length; i++)
        {
            _baselineQueues[i].Writer.TryWrite(frame);
        }

        for (var i = 0; i < _baselineQueues.Length; i++)
        {
            var reader = _baselineQueues[i].Reader;
            if (_baselineWaits[i].Result)
            {
                while (reader.TryRead(out _))
                {
                    read++;
                }
            }

            _baselineWaits[i] = reader.WaitToReadAsync(_baselineAborted.Token);
        }

        return read;
    }
}
