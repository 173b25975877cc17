using StackExchange.Redis;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Publishes a bare Flask-SSE envelope with a plain <c>PUBLISH</c>, as Flask-SSE itself does: the baseline's feed.</summary>
internal sealed class PlainPublisher : IEventPublisher
{
    private readonly ConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;

    private PlainPublisher(ConnectionMultiplexer redis, string channel)
    {
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _channel = new RedisChannel(channel, RedisChannel.PatternMode.Literal);
    }

    public static async Task<PlainPublisher> ConnectAsync(string redisConfiguration, string channel)
    {
        var configuration = ConfigurationOptions.Parse(redisConfiguration);
        configuration.ClientName = LoadRun.LoadClientName;
        return new PlainPublisher(await ConnectionMultiplexer.ConnectAsync(configuration), channel);
    }

    public Task PublishAsync(string data) => _subscriber.PublishAsync(_channel, "{\"data\":\"" + data + "\"}");

    public async ValueTask DisposeAsync()
    {
        await _redis.CloseAsync();
        _redis.Dispose();
    }
}
