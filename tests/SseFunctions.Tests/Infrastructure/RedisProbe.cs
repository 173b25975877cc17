using StackExchange.Redis;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>The test's own view into Redis, on a connection apart from the server under test.</summary>
public sealed class RedisProbe : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private RedisProbe(ConnectionMultiplexer connection) => _connection = connection;

    public static async Task<RedisProbe> ConnectAsync(RedisServer server)
    {
        // RESP2 whatever the client's default (RESP3 from 3.x): the probe reads replies the same way in every test run.
        var options = new ConfigurationOptions { AbortOnConnectFail = false, ClientName = "test-probe", AllowAdmin = true, Protocol = RedisProtocol.Resp2 };
        options.EndPoints.Add("127.0.0.1", server.Port);
        return new RedisProbe(await ConnectionMultiplexer.ConnectAsync(options));
    }

    public IDatabase Database => _connection.GetDatabase();

    /// <summary>PUBSUB NUMSUB: how many Redis subscriptions the channel has.</summary>
    public async Task<long> SubscriberCountAsync(string channel)
    {
        var result = (RedisResult[])(await Database.ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
        return (long)result[1];
    }

    /// <summary>CLIENT LIST, counted for one client name.</summary>
    public async Task<int> ClientCountAsync(string clientName)
    {
        var list = (string)(await Database.ExecuteAsync("CLIENT", "LIST"))!;
        return list.Split('\n').Count(line => line.Contains($" name={clientName} ", StringComparison.Ordinal));
    }

    /// <summary>PUBLISH a raw payload, as another program (a Flask-SSE app) would.</summary>
    public Task<long> PublishRawAsync(string channel, string payload) =>
        _connection.GetSubscriber().PublishAsync(new RedisChannel(channel, RedisChannel.PatternMode.Literal), payload);

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
