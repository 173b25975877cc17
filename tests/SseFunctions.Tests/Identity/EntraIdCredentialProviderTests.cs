using Azure.Identity;
using Microsoft.Extensions.Configuration;
using SseFunctions.EntraId;

namespace SseFunctions.Tests.Identity;

public sealed class EntraIdCredentialProviderTests
{
    [Fact]
    public async Task A_token_for_the_redis_scope_signs_in_as_its_object_id()
    {
        var credential = new TestTokenCredential("3f1c9d2e-0000-4000-8000-000000000001", TimeSpan.FromMinutes(60));

        var signIn = await new EntraIdCredentialProvider(credential).GetCredentialAsync(Section([]), CancellationToken.None);

        Assert.Equal(["https://redis.azure.com/.default"], credential.LastScopes);
        Assert.Equal("3f1c9d2e-0000-4000-8000-000000000001", signIn!.User);
        Assert.Equal(credential.Issued.Single(), signIn.Password);
        Assert.InRange(signIn.ExpiresOn, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.DoesNotContain(signIn.Password, signIn.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_an_object_id_is_refused_without_quoting_it()
    {
        var credential = new TestTokenCredential(objectId: null, TimeSpan.FromMinutes(60));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new EntraIdCredentialProvider(credential).GetCredentialAsync(Section([]), CancellationToken.None).AsTask());

        Assert.Contains("no object id ('oid' claim)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("TestTokenCredential given to AddSseEntraId", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Issued.Single(), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_credential_is_reported_naming_where_it_came_from()
    {
        var credential = new TestTokenCredential("oid", TimeSpan.FromMinutes(60)) { Failing = true };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new EntraIdCredentialProvider(credential).GetCredentialAsync(Section([]), CancellationToken.None).AsTask());

        Assert.StartsWith("Could not get a Microsoft Entra ID token for Redis from the TestTokenCredential given to AddSseEntraId: ", exception.Message, StringComparison.Ordinal);
        Assert.IsType<CredentialUnavailableException>(exception.InnerException);
    }

    [Fact]
    public async Task Without_a_credential_setting_the_settings_ask_for_no_sign_in()
    {
        var signIn = await new EntraIdCredentialProvider(null).GetCredentialAsync(Section([]), CancellationToken.None);

        Assert.Null(signIn);
    }

    [Fact]
    public async Task An_unknown_credential_setting_is_refused_naming_it_and_what_it_may_be()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new EntraIdCredentialProvider(null).GetCredentialAsync(Section(new() { ["credential"] = "password" }), CancellationToken.None).AsTask());

        Assert.StartsWith("The setting SSE_REDIS_URL__credential is 'password'; the only value understood is 'managedidentity'", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "the system-assigned managed identity (SSE_REDIS_URL__credential = managedidentity)")]
    [InlineData(" 11111111-2222-3333-4444-555555555555 ", "the user-assigned managed identity 11111111-2222-3333-4444-555555555555 (SSE_REDIS_URL__clientId)")]
    public void The_settings_name_a_managed_identity(string? clientId, string source)
    {
        var settings = new Dictionary<string, string?> { ["credential"] = " ManagedIdentity ", ["clientId"] = clientId };

        var (credential, description) = EntraIdCredentialProvider.FromSettings(Section(settings));

        Assert.IsType<ManagedIdentityCredential>(credential);
        Assert.Equal(source, description);
    }

    [Fact]
    public async Task A_managed_identity_that_cannot_be_reached_is_reported_naming_the_identity_setting()
    {
        // No managed identity endpoint answers here (nor may a test reach a real one): pointed at a closed loopback
        // port, Azure.Identity retries, then fails, as a Functions app without that identity assigned does.
        var settings = new Dictionary<string, string?> { ["credential"] = "managedidentity", ["clientId"] = "11111111-2222-3333-4444-555555555555" };
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", "http://127.0.0.1:1/");
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "test");
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(
                () => new EntraIdCredentialProvider(null).GetCredentialAsync(Section(settings), CancellationToken.None).AsTask());

            Assert.StartsWith(
                "Could not get a Microsoft Entra ID token for Redis from the user-assigned managed identity 11111111-2222-3333-4444-555555555555 (SSE_REDIS_URL__clientId): ",
                exception.Message,
                StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
        }
    }

    private static IConfigurationSection Section(Dictionary<string, string?> children) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(children.Select(child => KeyValuePair.Create("SSE_REDIS_URL:" + child.Key, child.Value)).Append(KeyValuePair.Create<string, string?>("SSE_REDIS_URL", "rediss://cache.example:10000")))
            .Build()
            .GetSection("SSE_REDIS_URL");
}
