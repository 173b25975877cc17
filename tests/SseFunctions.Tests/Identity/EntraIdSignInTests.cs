using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Resilience;

namespace SseFunctions.Tests.Identity;

/// <summary>
/// Microsoft Entra ID sign-in against a real redis-server with ACL users: the test's credential issues short-lived
/// tokens, each becomes the identity's only ACL password as it is issued, and the test closes the identity's
/// connections as Redis does when a token expires.
/// Microsoft recommends RESP3 with Entra ID (a RESP2 subscription connection cannot be signed in again), so these run
/// in the test command's protocol matrix too.
/// </summary>
[Trait("Category", "Redis")]
public sealed class EntraIdSignInTests
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Across_token_renewals_and_connections_closed_at_expiry_no_acknowledged_event_is_lost_and_no_stream_drops()
    {
        await using var server = await AclRedis.StartAsync();
        var objectId = Guid.NewGuid().ToString();
        var credential = new TestTokenCredential(objectId, TokenLifetime) { OnIssued = token => AclRedis.AllowOnlyAsync(server, objectId, token) };
        var logs = new CapturingLoggerProvider();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            options => options.PublishTimeout = TimeSpan.FromSeconds(2),
            environment: "Production",
            build: builder => builder.Services.AddSseEntraId(credential).AddSingleton<ILoggerProvider>(logs));
        var (a, b) = ($"entra-a-{Guid.NewGuid():N}", $"entra-b-{Guid.NewGuid():N}");
        string[][] subscriptions = [[a], [b], [a, b]];
        var sessions = await SessionChecks.OpenAsync(host, subscriptions);

        var ledger = new PublishLedger();
        await using (var publisher = new BackgroundPublisher(ledger, host.Publisher, a, b))
        {
            for (var round = 0; round < 4; round++)
            {
                var authCalls = await AclRedis.AuthCallsAsync(server);
                await credential.WaitForIssuedAsync(credential.Issued.Count + 1, SseTestClient.Patience);

                // The live connections are signed in again with the new token: Redis counts the AUTH commands.
                await Eventually.TrueAsync(async () => await AclRedis.AuthCallsAsync(server) > authCalls, "the live connections sign in again");
                if (round % 2 == 1)
                {
                    // The earlier token is no password any more, so the connections come back only with the newest one.
                    await AclRedis.CloseConnectionsOfAsync(server, objectId);
                }

                await publisher.WaitForMoreAcknowledgedAsync(10);
            }
        }

        await SessionChecks.AssertEveryAcknowledgedOnceOnOneStreamAsync(ledger, host.Publisher, sessions, subscriptions);
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }

        Assert.All(await AclRedis.PackageUsersAsync(server), user => Assert.Equal(objectId, user));
        Assert.DoesNotContain("reason=auth", await AclRedis.AclLogAsync(server), StringComparison.Ordinal);
        var tokens = credential.Issued;
        Assert.True(tokens.Count >= 5, $"Only {tokens.Count} tokens were issued.");
        Assert.All(logs.Entries, entry => Assert.DoesNotContain(tokens, token => entry.Message.Contains(token, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_credential_that_fails_is_reported_by_publish_and_in_the_log_naming_the_credential()
    {
        await using var server = await AclRedis.StartAsync();
        var credential = new TestTokenCredential("oid", TokenLifetime) { Failing = true };
        var logs = new CapturingLoggerProvider();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            environment: "Production",
            build: builder => builder.Services.AddSseEntraId(credential).AddSingleton<ILoggerProvider>(logs));

        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(() => host.Publisher.PublishAsync("x", channel: "entra-failing"));

        Assert.StartsWith(
            "SseFunctions cannot sign in to Redis: Could not get a Microsoft Entra ID token for Redis from the TestTokenCredential given to AddSseEntraId: ManagedIdentityCredential authentication unavailable.",
            exception.Message,
            StringComparison.Ordinal);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Error && entry.Message.Contains(exception.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_without_an_object_id_is_reported_without_the_token_in_a_message_or_a_log()
    {
        await using var server = await AclRedis.StartAsync();
        var credential = new TestTokenCredential(objectId: null, TokenLifetime);
        var logs = new CapturingLoggerProvider();
        await using var host = await SseTestHost.StartAsync(
            server.Url,
            environment: "Production",
            build: builder => builder.Services.AddSseEntraId(credential).AddSingleton<ILoggerProvider>(logs));

        var exception = await Assert.ThrowsAsync<SseBrokerUnavailableException>(() => host.Publisher.PublishAsync("x", channel: "entra-no-oid"));

        Assert.Contains("has no object id ('oid' claim)", exception.Message, StringComparison.Ordinal);
        // Each attempt to connect asks for a token again (the lifetime service's warm-up, then this publish).
        var tokens = credential.Issued;
        Assert.NotEmpty(tokens);
        Assert.DoesNotContain(tokens, token => exception.ToString().Contains(token, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Error && entry.Message.Contains("has no object id", StringComparison.Ordinal));
        Assert.All(logs.Entries, entry => Assert.DoesNotContain(tokens, token => entry.Message.Contains(token, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_managed_identity_setting_without_Entra_ID_sign_in_registered_fails_start_up_saying_what_adds_it()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => SseTestHost.StartAsync(
            "rediss://cache.example.redis.azure.net:10000",
            environment: "Production",
            build: builder => builder.Configuration["SSE_REDIS_URL:credential"] = "managedidentity"));

        Assert.Equal(
            "The setting SSE_REDIS_URL__credential is 'managedidentity', but nothing in this app signs in to Redis with Microsoft Entra ID: " +
            "reference the SseFunctions.EntraId package and call services.AddSseEntraId() (an Azure Functions app gets both from SseFunctions.Worker's UseSseOutput()).",
            exception.Message);
    }
}
