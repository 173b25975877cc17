namespace SseFunctions;

/// <summary>A Redis user name and password that stop working at <see cref="ExpiresOn"/>, such as a Microsoft Entra ID token.</summary>
/// <param name="User">The Redis (ACL) user name; for Microsoft Entra ID, the identity's object id.</param>
/// <param name="Password">The password; for Microsoft Entra ID, the access token. Never logged or put in a message.</param>
/// <param name="ExpiresOn">When Redis stops accepting it; a new one is asked for well before.</param>
public sealed record SseRedisCredential(string User, string Password, DateTimeOffset ExpiresOn)
{
    /// <summary>The user name and expiry only: the password stays out of logs and debugger views.</summary>
    public override string ToString() => $"{User} (expires {ExpiresOn:u})";
}
