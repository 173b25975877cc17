using Azure;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace SseFunctions.EntraId;

/// <summary>
/// Microsoft Entra ID tokens for Redis (scope <c>https://redis.azure.com/.default</c>, user name = the token's object
/// id), from the credential given in code, or else from the URL setting's child settings as Azure Functions'
/// identity-based connections write them: <c>credential</c> = <c>managedidentity</c>, optional <c>clientId</c>.
/// </summary>
internal sealed class EntraIdCredentialProvider(TokenCredential? credential) : ISseRedisCredentialProvider
{
    private const string ManagedIdentity = "managedidentity";
    private static readonly TokenRequestContext RedisScope = new(["https://redis.azure.com/.default"]);

    public async ValueTask<SseRedisCredential?> GetCredentialAsync(IConfigurationSection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var (tokenCredential, source) = credential is not null
            ? (credential, $"the {credential.GetType().Name} given to AddSseEntraId")
            : FromSettings(connection);
        if (tokenCredential is null)
        {
            return null;
        }

        AccessToken token;
        try
        {
            token = await tokenCredential.GetTokenAsync(RedisScope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AuthenticationFailedException or CredentialUnavailableException or RequestFailedException)
        {
            // Azure.Identity's messages say why (no identity on this host, an unknown client id…) and hold no token.
            throw new InvalidOperationException(
                $"Could not get a Microsoft Entra ID token for Redis from {source}: {exception.Message}",
                exception);
        }

        var objectId = AccessTokenObjectId.Read(token.Token)
            ?? throw new InvalidOperationException(
                $"The Microsoft Entra ID token from {source} has no object id ('oid' claim), which Redis needs as the user " +
                "name: use a managed identity, a service principal or a user of your tenant.");
        return new SseRedisCredential(objectId, token.Token, token.ExpiresOn);
    }

    /// <summary>The managed identity the settings name, and how to name it in a message; null when they name none.</summary>
    internal static (TokenCredential? Credential, string Source) FromSettings(IConfigurationSection connection)
    {
        var name = connection.Path.Replace(":", "__", StringComparison.Ordinal);
        var kind = connection["credential"];
        if (string.IsNullOrWhiteSpace(kind))
        {
            return (null, string.Empty);
        }

        if (!kind.Trim().Equals(ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The setting {name}__credential is '{kind}'; the only value understood is '{ManagedIdentity}' (with " +
                $"{name}__clientId for a user-assigned identity). For another credential, call services.AddSseEntraId(credential) in code.");
        }

        var clientId = connection["clientId"];
        return string.IsNullOrWhiteSpace(clientId)
            ? (new ManagedIdentityCredential(), $"the system-assigned managed identity ({name}__credential = {ManagedIdentity})")
            : (new ManagedIdentityCredential(clientId.Trim()), $"the user-assigned managed identity {clientId.Trim()} ({name}__clientId)");
    }
}
