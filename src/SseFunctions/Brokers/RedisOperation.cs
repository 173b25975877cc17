namespace SseFunctions.Brokers;

/// <summary>What a Redis call was for, which decides what its failure means to the caller.</summary>
internal enum RedisOperation
{
    Publish,
    Subscribe,
    Read,
}
