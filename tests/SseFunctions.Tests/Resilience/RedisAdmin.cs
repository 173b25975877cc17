using System.Text.Json;
using SseFunctions.Brokers;
using SseFunctions.Events;
using SseFunctions.Tests.Infrastructure;
using StackExchange.Redis;

namespace SseFunctions.Tests.Resilience;

/// <summary>What a test does to Redis from the side: cut the package's connections, and publish as another instance would.</summary>
internal static class RedisAdmin
{
    /// <summary>
    /// In one transaction, cuts every subscription connection and publishes an event with history, as another instance
    /// of the app would: the event is certainly published while this process's subscription is down. Returns how many
    /// subscribers received it live (0).
    /// </summary>
    public static async Task<long> CutSubscriptionsAndPublishAsync(RedisProbe probe, string channel, string data)
    {
        var options = new SseOptions();
        var keys = new RedisKeyLayout(options.KeyPrefix);
        var envelope = EnvelopeEncoder.EncodeOpen(data, type: null, retry: null, JsonSerializerOptions.Web);
        var transaction = probe.Database.CreateTransaction();
        _ = transaction.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        var published = transaction.ScriptEvaluateAsync(
            RedisScripts.PublishWithHistory,
            [keys.LastPosition, keys.History(channel), keys.FirstPosition],
            [channel, envelope, options.HistoryMaxLength, (long)options.HistoryMaxAge.TotalMilliseconds]);
        Assert.True(await transaction.ExecuteAsync(), "The transaction did not run.");
        return (long)((RedisResult[])(await published)!)[1];
    }

    /// <summary>Cuts both connections (interactive and subscription) of every process named SseFunctions.</summary>
    public static async Task<int> CutPackageConnectionsAsync(RedisProbe probe)
    {
        var list = (string)(await probe.Database.ExecuteAsync("CLIENT", "LIST"))!;
        var ids = list.Split('\n')
            .Where(line => line.Contains(" name=SseFunctions ", StringComparison.Ordinal))
            .Select(line => line.Split(' ').First(field => field.StartsWith("id=", StringComparison.Ordinal))[3..])
            .ToList();
        foreach (var id in ids)
        {
            await probe.Database.ExecuteAsync("CLIENT", "KILL", "ID", id);
        }

        return ids.Count;
    }
}
