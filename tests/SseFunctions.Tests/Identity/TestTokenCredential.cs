using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;

namespace SseFunctions.Tests.Identity;

/// <summary>
/// A stand-in for Microsoft Entra ID: issues a new short-lived, JWT-shaped token (unsigned; Redis only compares it
/// with the ACL password) on every request, with the object id the test chose, or fails while told to.
/// </summary>
public sealed class TestTokenCredential(string? objectId, TimeSpan lifetime) : TokenCredential
{
    private readonly Lock _gate = new();
    private readonly List<string> _issued = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>While set, every request fails as Azure.Identity fails when the host has no identity.</summary>
    public bool Failing { get; set; }

    /// <summary>Runs before a token is handed out: where the test makes Redis accept it, as Entra ID's tokens are valid when issued.</summary>
    public Func<string, Task>? OnIssued { get; set; }

    /// <summary>The scopes of the last request.</summary>
    public IReadOnlyList<string> LastScopes { get; private set; } = [];

    public IReadOnlyList<string> Issued
    {
        get
        {
            lock (_gate)
            {
                return [.. _issued];
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> tokens were issued.</summary>
    public async Task WaitForIssuedAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_issued.Count >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(deadline.Token);
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        LastScopes = requestContext.Scopes;
        if (Failing)
        {
            throw new CredentialUnavailableException("ManagedIdentityCredential authentication unavailable. No response received from the managed identity endpoint.");
        }

        var expiresOn = DateTimeOffset.UtcNow + lifetime;
        var payload = new Dictionary<string, object> { ["exp"] = expiresOn.ToUnixTimeSeconds(), ["aud"] = "https://redis.azure.com" };
        if (objectId is not null)
        {
            payload["oid"] = objectId;
        }

        var token = string.Join('.', Encode("""{"alg":"none","typ":"JWT"}"""), Encode(JsonSerializer.Serialize(payload)), Encode(Guid.NewGuid().ToString("N")));
        if (OnIssued is { } onIssued)
        {
            await onIssued(token);
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _issued.Add(token);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return new AccessToken(token, expiresOn);
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
