using StackExchange.Redis.Configuration;

namespace SseFunctions.Brokers;

/// <summary>
/// Hands the multiplexer the newest credential whenever it signs a connection in: StackExchange.Redis reads the user
/// and password from these defaults when the options themselves hold none, at every connect and reconnect.
/// </summary>
internal sealed class RenewedCredentialOptionsProvider(Func<SseRedisCredential> current) : DefaultOptionsProvider
{
    public override string? User => current().User;

    public override string? Password => current().Password;
}
