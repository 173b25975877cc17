using System.Buffers.Text;
using System.Text.Json;

namespace SseFunctions.EntraId;

/// <summary>
/// The object id (<c>oid</c> claim) of a Microsoft Entra ID access token, which Redis takes as the user name. The token's
/// signature is Redis's business, not ours: only its payload is read.
/// </summary>
internal static class AccessTokenObjectId
{
    /// <summary>The <c>oid</c> claim, or null when the token is not a JWT or has none. Never throws with the token in a message.</summary>
    public static string? Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !Base64Url.IsValid(parts[1]))
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object
                && payload.RootElement.TryGetProperty("oid", out var oid)
                && oid.ValueKind == JsonValueKind.String
                && oid.GetString() is { Length: > 0 } value
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
