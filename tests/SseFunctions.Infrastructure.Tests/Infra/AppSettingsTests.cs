using SseFunctions.Infrastructure.Tests.Template;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>
/// The app settings the package and the Functions host read, with the values that make them work on Azure: the cache's
/// TLS endpoint and the identity for Redis, identity-based host storage and telemetry, no content share.
/// </summary>
[Collection(SharedCompilation.Name)]
public sealed class AppSettingsTests(CompiledInfrastructure infrastructure)
{
    private ArmTemplate Resources => infrastructure.Resources;

    private IReadOnlyDictionary<string, string> Settings => ArmTemplate.AppSettings(Resources.Single("Microsoft.Web/sites"));

    private string IdentityClientId =>
        $"[reference({ArmTemplate.ResourceIdOf(Resources.Single("Microsoft.ManagedIdentity/userAssignedIdentities"))}, '2024-11-30').clientId]";

    [Fact]
    public void The_Redis_url_names_the_caches_TLS_endpoint_and_no_password()
    {
        var url = Settings["SSE_REDIS_URL"];
        var cache = Resources.Single("Microsoft.Cache/redisEnterprise");
        var cacheApi = cache.GetProperty("apiVersion").GetString();
        var port = Resources.Single("Microsoft.Cache/redisEnterprise/databases").GetProperty("properties").GetProperty("port").GetString();

        Assert.Equal($"[format('rediss://{{0}}:{{1}}', reference({ArmTemplate.ResourceIdOf(cache)}, '{cacheApi}').hostName, {port![1..^1]})]", url);
        Assert.DoesNotContain("@", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_is_reached_with_the_user_assigned_identity()
    {
        Assert.Equal("managedidentity", Settings["SSE_REDIS_URL__credential"]);
        Assert.Equal(IdentityClientId, Settings["SSE_REDIS_URL__clientId"]);
    }

    [Fact]
    public void The_host_runs_the_dotnet_isolated_worker_on_Functions_4()
    {
        Assert.Equal("dotnet-isolated", Settings["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("~4", Settings["FUNCTIONS_EXTENSION_VERSION"]);
    }

    [Fact]
    public void Host_storage_is_reached_with_the_identity_and_no_connection_string()
    {
        var storage = Resources.Single("Microsoft.Storage/storageAccounts");
        var endpoints = $"reference({ArmTemplate.ResourceIdOf(storage)}, '{storage.GetProperty("apiVersion").GetString()}').primaryEndpoints";

        Assert.Equal($"[{endpoints}.blob]", Settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal($"[{endpoints}.queue]", Settings["AzureWebJobsStorage__queueServiceUri"]);
        Assert.Equal($"[{endpoints}.table]", Settings["AzureWebJobsStorage__tableServiceUri"]);
        Assert.Equal("managedidentity", Settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(IdentityClientId, Settings["AzureWebJobsStorage__clientId"]);
        Assert.False(Settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage itself would be a connection string with a key.");
    }

    [Fact]
    public void The_app_runs_from_its_package_without_a_content_share_that_would_need_a_storage_key()
    {
        Assert.Equal("1", Settings["WEBSITE_RUN_FROM_PACKAGE"]);
        Assert.False(Settings.ContainsKey("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"));
        Assert.False(Settings.ContainsKey("WEBSITE_CONTENTSHARE"));
    }

    [Fact]
    public void Telemetry_goes_to_Application_Insights_with_the_identity()
    {
        var insights = Resources.Single("Microsoft.Insights/components");

        Assert.Equal(
            $"[reference({ArmTemplate.ResourceIdOf(insights)}, '{insights.GetProperty("apiVersion").GetString()}').ConnectionString]",
            Settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal(
            $"[format('Authorization=AAD;ClientId={{0}}', {IdentityClientId[1..^1]})]",
            Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void The_maximum_stream_duration_is_the_packages_own_setting()
    {
        Assert.Equal("[parameters('maxStreamDuration')]", Settings[$"Sse__{nameof(SseOptions.MaxStreamDuration)}"]);
    }
}
