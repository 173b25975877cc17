using Microsoft.Extensions.Configuration;

namespace SseFunctions;

/// <summary>
/// Signs the package's Redis connection in with credentials that expire, such as Microsoft Entra ID tokens
/// (the SseFunctions.EntraId package registers one). The package asks for a new credential well before the current
/// one expires, retries with back-off when that fails, signs every live connection in again with it (Redis's
/// <c>AUTH</c>), and reconnects with the newest one.
/// </summary>
public interface ISseRedisCredentialProvider
{
    /// <summary>The credential to sign in with now, or <see langword="null"/> when the settings do not ask for one.</summary>
    /// <param name="connection">
    /// The Redis URL setting's section (<c>SSE_REDIS_URL</c>, <c>REDIS_URL</c> or <c>Sse:RedisUrl</c>, whichever was
    /// used), whose child settings (<c>SSE_REDIS_URL__credential</c>, <c>SSE_REDIS_URL__clientId</c>) say how to sign in.
    /// </param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="InvalidOperationException">
    /// No credential could be had; the message names the setting or registration to fix and never holds a secret.
    /// </exception>
    ValueTask<SseRedisCredential?> GetCredentialAsync(IConfigurationSection connection, CancellationToken cancellationToken);
}
