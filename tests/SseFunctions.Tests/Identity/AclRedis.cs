using System.Globalization;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Identity;

/// <summary>
/// A redis-server that lets no one in without an ACL user, as Azure Managed Redis with access keys disabled: the test
/// administers it as its own user, and makes an Entra-style token the password of the identity's user.
/// </summary>
internal static class AclRedis
{
    private const string Admin = "test-admin";
    private const string AdminPassword = "test-admin-secret";

    /// <summary>Starts the server with the default user off and the test's admin user on.</summary>
    public static Task<RedisServer> StartAsync() =>
        RedisServer.StartAsync(_ => ["--user", "default", "off", "--user", Admin, "on", ">" + AdminPassword, "~*", "&*", "+@all"]);

    /// <summary>Makes <paramref name="token"/> the only password of <paramref name="user"/>: earlier tokens stop signing anyone in.</summary>
    public static Task AllowOnlyAsync(RedisServer server, string user, string token) =>
        RunAsync(server, "ACL", "SETUSER", user, "on", "resetpass", ">" + token, "~*", "&*", "+@all");

    /// <summary>Closes every connection signed in as <paramref name="user"/>, as Redis does when its token expires.</summary>
    public static Task CloseConnectionsOfAsync(RedisServer server, string user) => RunAsync(server, "CLIENT", "KILL", "USER", user);

    /// <summary>How many AUTH commands (connection handshakes and sign-ins again) the server ran.</summary>
    public static async Task<long> AuthCallsAsync(RedisServer server)
    {
        var stats = await RunAsync(server, "INFO", "commandstats");
        var auth = RedisCli.Field(stats, "cmdstat_auth");
        return auth is null ? 0 : long.Parse(auth.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>The users of the server's client connections named SseFunctions.</summary>
    public static async Task<IReadOnlyList<string>> PackageUsersAsync(RedisServer server) =>
        [.. (await RunAsync(server, "CLIENT", "LIST")).Split('\n')
            .Where(line => line.Contains(" name=SseFunctions ", StringComparison.Ordinal))
            .Select(line => line.Split(' ').First(field => field.StartsWith("user=", StringComparison.Ordinal))["user=".Length..])];

    /// <summary>ACL LOG: every refused sign-in (and refused command), newest first.</summary>
    public static Task<string> AclLogAsync(RedisServer server) => RunAsync(server, "ACL", "LOG");

    private static Task<string> RunAsync(RedisServer server, params string[] command) =>
        RedisCli.RunAsync(["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "--user", Admin, "--pass", AdminPassword, "--no-auth-warning", .. command]);
}
