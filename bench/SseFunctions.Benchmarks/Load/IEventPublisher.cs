namespace SseFunctions.Benchmarks.Load;

/// <summary>Publishes the benchmark's events from the load program, as another process of the app would.</summary>
internal interface IEventPublisher : IAsyncDisposable
{
    Task PublishAsync(string data);
}
