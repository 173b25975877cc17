using System.Diagnostics;
using System.Globalization;
using System.Net;
using SseFunctions.Benchmarks.Clients;
using StackExchange.Redis;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// One run of one scenario against one server: warm it up, open the streams, measure idle memory and the Redis
/// connections, publish at the scenario's rate, wait for every stream to receive everything, and collect the figures.
/// </summary>
internal sealed class LoadRun : IDisposable
{
    /// <summary>The Redis client name of every connection of the load program, so that the server's are the others.</summary>
    public const string LoadClientName = "sse-bench-load";

    private const int WarmUpStreams = 200;
    private const int WarmUpEvents = 50;
    private const int ConnectsInFlight = 256;
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(10);

    // Past the ceiling of a side the backlog grows for as long as events are offered; what it still owes this long
    // after the last publish is reported as behind, not waited for.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(8);

    private readonly RunTarget _target;
    private readonly IEventPublisher _publisher;
    private readonly TextWriter _log;
    private readonly IPEndPoint _endPoint;
    private readonly HttpClient _control;

    public LoadRun(RunTarget target, IEventPublisher publisher, TextWriter log)
    {
        _target = target;
        _publisher = publisher;
        _log = log;
        var url = target.StreamUrl;
        var address = IPAddress.TryParse(url.Host, out var ip) ? ip : Dns.GetHostAddresses(url.Host)[0];
        _endPoint = new IPEndPoint(address, url.Port);
        _control = new HttpClient { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority)) };
    }

    public void Dispose() => _control.Dispose();

    public async Task<RunResult> ExecuteAsync(Scenario scenario, string side, int attempt)
    {
        await WarmUpAsync();

        // The first tenth of the events opens the run; the latencies are those of the rest.
        using var latencies = new LatencyRecorder(measureFrom: scenario.Events / 10);
        var memoryBefore = await SampleMemoryAsync();
        var streams = await OpenStreamsAsync(scenario.Streams, latencies);
        try
        {
            var opened = streams.Count(stream => stream.Open);
            _log.WriteLine($"  {side} #{attempt}: {opened:N0} of {scenario.Streams:N0} streams open");
            foreach (var stream in streams.Where(stream => !stream.Open).Take(3))
            {
                _log.WriteLine($"    a stream that did not open: status '{stream.StatusLine ?? "none"}', connection {stream.Ending ?? "open"}");
            }

            // Let the server finish whatever opening the streams started before memory is read.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var memoryIdle = await SampleMemoryAsync();
            var redisConnections = await CountServerRedisConnectionsAsync();

            var serverCpuBefore = ServerCpu();
            var serverCoreBefore = ProcessStats.CoreBusyTime(CpuPinning.ServerCore);
            var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var window = MeasureWindowAsync(streams, scenario.Seconds);
            await PublishAsync(scenario.Events, scenario.Rate);
            var figures = await window;
            var cut = await AwaitDeliveryAsync(streams, scenario.Events, Stopwatch.GetTimestamp() + (long)(DrainLimit.TotalSeconds * Stopwatch.Frequency));
            var finished = Stopwatch.GetTimestamp();
            var serverCpuAfter = ServerCpu();
            var serverCoreAfter = ProcessStats.CoreBusyTime(CpuPinning.ServerCore);
            var clientCpuAfter = Process.GetCurrentProcess().TotalProcessorTime;

            var incomplete = streams.Where(stream => stream.Deliveries.Received < scenario.Events).ToList();
            if (incomplete.Count > 0)
            {
                _log.WriteLine(
                    $"  {incomplete.Count:N0} streams missed events: {incomplete.Sum(stream => stream.Deliveries.Lost):N0} were gaps in their sequence, " +
                    $"{incomplete.Count(stream => stream.Dropped || stream.Failed):N0} of them were dropped, and the furthest got to event " +
                    $"{incomplete.Max(stream => stream.Deliveries.NextSequence):N0} of {scenario.Events:N0}" +
                    (cut ? $", still receiving {DrainLimit.TotalSeconds:0} s after the last publish." : "."));
                foreach (var stream in incomplete.Where(stream => stream.Dropped || stream.Failed).Take(3))
                {
                    _log.WriteLine($"    a dropped stream: status '{stream.StatusLine ?? "none"}', connection {stream.Ending ?? "open"}, {stream.Deliveries.Received:N0} events received");
                }
            }

            // Events after a stream's last receipt: lost when it was dropped or nothing came any more, behind when the
            // wait was cut while they were still arriving.
            long Owed(StreamClient stream) => scenario.Events - stream.Deliveries.NextSequence;
            var merged = latencies.Merge();
            var delivered = streams.Sum(stream => stream.Deliveries.Received);
            var wallSeconds = Stopwatch.GetElapsedTime(started, finished).TotalSeconds;
            return new RunResult
            {
                Scenario = scenario,
                Side = side,
                Attempt = attempt,
                Opened = opened,
                Published = scenario.Events,
                Delivered = delivered,
                DeliveriesPerSecond = figures.DeliveriesPerSecond,
                P50 = merged.Count > 0 ? merged.Percentile(50) : null,
                P99 = merged.Count > 0 ? merged.Percentile(99) : null,
                Max = merged.Count > 0 ? merged.Max : null,
                Lost = streams.Sum(stream => stream.Deliveries.Lost + (cut && !stream.Dropped && !stream.Failed ? 0 : Owed(stream))),
                Behind = cut ? streams.Where(stream => !stream.Dropped && !stream.Failed).Sum(Owed) : 0,
                Duplicates = streams.Sum(stream => stream.Deliveries.Duplicates),
                Dropped = streams.Count(stream => stream.Dropped || stream.Failed),
                MemoryPerStream = memoryBefore is { } before && memoryIdle is { } idle ? (double)(idle - before) / scenario.Streams : null,
                RedisConnections = redisConnections,
                ServerCpu = serverCpuAfter - serverCpuBefore is { } cpu && scenario.Events > 0 ? cpu.TotalSeconds / wallSeconds : null,
                ServerCoreOther = serverCpuAfter - serverCpuBefore is { } own && scenario.Events > 0 && CpuPinning.Available
                    ? Math.Max(0, (serverCoreAfter - serverCoreBefore - own).TotalSeconds / wallSeconds)
                    : null,
                ClientCpu = scenario.Events > 0 ? (clientCpuAfter - clientCpuBefore).TotalSeconds / wallSeconds : null,
                AllocatedPerDelivery = figures.AllocatedPerDelivery,
                PoolAllocatedPerDelivery = figures.PoolAllocatedPerDelivery,
                CpuPerDelivery = figures.CpuPerDelivery,
            };
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>Runs the hot path a few thousand times first, so that the run measures fully compiled code.</summary>
    private async Task WarmUpAsync()
    {
        using var latencies = new LatencyRecorder(measureFrom: 0);
        var streams = await OpenStreamsAsync(WarmUpStreams, latencies);
        try
        {
            await PublishAsync(WarmUpEvents, rate: 100);
            await AwaitDeliveryAsync(streams, WarmUpEvents, deadline: long.MaxValue);
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }

        // Tiered compilation promotes hot methods in the background a moment after they got hot.
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private async Task<List<StreamClient>> OpenStreamsAsync(int count, LatencyRecorder latencies)
    {
        var streams = new List<StreamClient>(count);
        using var protocol = StreamProtocols.Create(_target.Streams, _target.StreamUrl);
        using var slots = new SemaphoreSlim(ConnectsInFlight);
        var connecting = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await slots.WaitAsync();
            connecting.Add(OpenOneAsync());
        }

        await Task.WhenAll(connecting);

        var deadline = Stopwatch.GetTimestamp() + (long)(OpenTimeout.TotalSeconds * Stopwatch.Frequency);
        while (streams.Any(stream => !stream.Open && !stream.Failed && !stream.Dropped) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }

        return streams;

        async Task OpenOneAsync()
        {
            try
            {
                var stream = await StreamClient.OpenAsync(_endPoint, await protocol.PrepareAsync(), latencies);
                lock (streams)
                {
                    streams.Add(stream);
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>Publishes <c>&lt;sequence&gt;:&lt;timestamp&gt;</c> events on schedule; each carries the moment it was sent.</summary>
    private async Task PublishAsync(long events, int rate)
    {
        var publishing = new List<Task>((int)Math.Min(events, int.MaxValue));
        var start = Stopwatch.GetTimestamp();
        for (long sequence = 0; sequence < events; sequence++)
        {
            var due = start + (sequence * Stopwatch.Frequency / rate);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            var sent = Stopwatch.GetTimestamp();
            publishing.Add(_publisher.PublishAsync(string.Create(CultureInfo.InvariantCulture, $"{sequence}:{sent}")));
        }

        await Task.WhenAll(publishing);
    }

    /// <summary>
    /// Waits until every open stream has every event, or nothing arrived for a while (the rest is lost), or the
    /// <paramref name="deadline"/> passed while events still arrived: then true, and the rest is behind.
    /// </summary>
    private static async Task<bool> AwaitDeliveryAsync(List<StreamClient> streams, long events, long deadline)
    {
        var lastTotal = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            var total = 0L;
            var complete = true;
            foreach (var stream in streams)
            {
                total += stream.Deliveries.Received;
                complete &= stream.Deliveries.NextSequence >= events || stream.Dropped || stream.Failed;
            }

            if (complete || Stopwatch.GetElapsedTime(lastProgress) > StallTimeout)
            {
                return false;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return true;
            }

            if (total != lastTotal)
            {
                lastTotal = total;
                lastProgress = Stopwatch.GetTimestamp();
            }

            await Task.Delay(20);
        }
    }

    private async Task<long?> SampleMemoryAsync()
    {
        if (_target.ServerProcessId is not { } pid)
        {
            return null;
        }

        if (_target.HasControlEndpoints)
        {
            (await _control.GetAsync(new Uri("/bench/collect", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        return ProcessStats.ResidentBytes(pid);
    }

    /// <summary>
    /// Deliveries per second, and the server's allocation and CPU per delivery, over the middle half of the publishing
    /// time: what each further delivery costs, and — past a side's ceiling — the most it delivers while more is offered.
    /// The window must start after the buffers that hold each stream's backlog (its queue, the response pipe's blocks
    /// in Kestrel's pool) have grown to what the load needs, or their growth reads as a cost per delivery: a scenario
    /// near a side's ceiling needs several seconds for that. The pool's growth is counted apart, so the table shows it.
    /// </summary>
    private async Task<WindowFigures> MeasureWindowAsync(List<StreamClient> streams, int seconds)
    {
        if (seconds == 0)
        {
            return new WindowFigures(0, null, null, null);
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds / 4.0));
        var before = await SampleWindowAsync(streams);
        await Task.Delay(TimeSpan.FromSeconds(seconds / 2.0));
        var after = await SampleWindowAsync(streams);
        var delivered = after.Delivered - before.Delivered;
        var elapsed = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        return new WindowFigures(
            delivered / elapsed,
            delivered > 0 && after.Allocated - before.Allocated is { } allocated ? (double)allocated / delivered : null,
            delivered > 0 && after.PoolAllocated - before.PoolAllocated is { } pool ? (double)pool / delivered : null,
            delivered > 0 && after.Cpu - before.Cpu is { } cpu ? cpu.TotalMicroseconds / delivered : null);
    }

    private async Task<(long Timestamp, long Delivered, long? Allocated, long? PoolAllocated, TimeSpan? Cpu)> SampleWindowAsync(List<StreamClient> streams)
    {
        var (allocated, poolAllocated) = _target.HasControlEndpoints ? await ReadAllocatedAsync() : default((long?, long?));
        return (Stopwatch.GetTimestamp(), streams.Sum(stream => stream.Deliveries.Received), allocated, poolAllocated, ServerCpu());
    }

    /// <summary>The server's allocated bytes so far, in all and by Kestrel's block pool.</summary>
    private async Task<(long?, long?)> ReadAllocatedAsync()
    {
        var figures = (await _control.GetStringAsync(new Uri("/bench/allocated", UriKind.Relative))).Split(' ');
        return (long.Parse(figures[0], CultureInfo.InvariantCulture), long.Parse(figures[1], CultureInfo.InvariantCulture));
    }

    private TimeSpan? ServerCpu() => _target.ServerProcessId is { } pid ? ProcessStats.CpuTime(pid) : null;

    private async Task<int> CountServerRedisConnectionsAsync()
    {
        var configuration = ConfigurationOptions.Parse(_target.RedisConfiguration);
        configuration.ClientName = LoadClientName;
        configuration.AllowAdmin = true;
        using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var clients = await server.ClientListAsync();
        return clients.Count(client => client.Name != LoadClientName);
    }
}
