using Azure.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SseFunctions;
using SseFunctions.EntraId;

// In the DI namespace, as AddSse is, so that Program.cs needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Signs SseFunctions in to Redis with Microsoft Entra ID (Azure Managed Redis, Azure Cache for Redis).</summary>
public static class SseEntraIdServiceCollectionExtensions
{
    /// <summary>
    /// Signs in with a managed identity when the Redis URL setting asks for one:
    /// <c>SSE_REDIS_URL__credential</c> = <c>managedidentity</c> (or the same child of <c>REDIS_URL</c> or
    /// <c>Sse:RedisUrl</c>, whichever holds the URL), and <c>SSE_REDIS_URL__clientId</c> = the client id of a
    /// user-assigned identity (without it, the system-assigned identity). Without those settings, nothing changes.
    /// <c>UseSseOutput()</c> in an Azure Functions app calls this for you.
    /// </summary>
    public static IServiceCollection AddSseEntraId(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISseRedisCredentialProvider>(new EntraIdCredentialProvider(null));
        return services;
    }

    /// <summary>
    /// Signs in with tokens from <paramref name="credential"/> (any Azure.Core <see cref="TokenCredential"/>, such as
    /// <c>DefaultAzureCredential</c> or <c>WorkloadIdentityCredential</c>), whatever the settings say.
    /// </summary>
    public static IServiceCollection AddSseEntraId(this IServiceCollection services, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(credential);

        // Wins over the settings-based registration, whichever came first.
        services.Replace(ServiceDescriptor.Singleton<ISseRedisCredentialProvider>(new EntraIdCredentialProvider(credential)));
        return services;
    }
}
