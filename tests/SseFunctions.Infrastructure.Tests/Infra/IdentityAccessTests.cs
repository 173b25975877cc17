using System.Text.Json;
using SseFunctions.Infrastructure.Tests.Template;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>
/// One user-assigned identity, the app's, is all that reaches Redis, storage and telemetry: Redis with access keys off
/// and the Entra access policy assigned to it, storage with shared keys off and data roles on that one account.
/// </summary>
[Collection(SharedCompilation.Name)]
public sealed class IdentityAccessTests(CompiledInfrastructure infrastructure)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private ArmTemplate Resources => infrastructure.Resources;

    private string IdentityId => ArmTemplate.ResourceIdOf(Resources.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));

    [Fact]
    public void The_app_runs_as_the_user_assigned_identity()
    {
        var identity = Resources.Single("Microsoft.Web/sites").GetProperty("identity");

        Assert.Equal("UserAssigned", identity.GetProperty("type").GetString());
        var assigned = Assert.Single(identity.GetProperty("userAssignedIdentities").EnumerateObject());
        Assert.Contains(IdentityId, assigned.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Redis_database_takes_only_Entra_ID_over_TLS_on_port_10000()
    {
        var database = Resources.Single("Microsoft.Cache/redisEnterprise/databases").GetProperty("properties");
        var cluster = Resources.Single("Microsoft.Cache/redisEnterprise").GetProperty("properties");

        Assert.Equal("Disabled", database.GetProperty("accessKeysAuthentication").GetString());
        Assert.Equal("Encrypted", database.GetProperty("clientProtocol").GetString());
        Assert.Equal(10000, Resources.Resolve(database.GetProperty("port")).GetInt32());
        Assert.Equal("[parameters('redisClusteringPolicy')]", database.GetProperty("clusteringPolicy").GetString());
        Assert.Equal("OSSCluster", infrastructure.Main.Parameter("redisClusteringPolicy").GetProperty("defaultValue").GetString());
        Assert.Equal("1.2", cluster.GetProperty("minimumTlsVersion").GetString());
    }

    [Fact]
    public void The_Redis_access_policy_default_is_assigned_to_the_identitys_principal()
    {
        var assignment = Resources.Single("Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments");
        var properties = assignment.GetProperty("properties");

        Assert.Equal("default", properties.GetProperty("accessPolicyName").GetString());
        AssertPrincipalOfIdentity(properties.GetProperty("user").GetProperty("objectId"));
        Assert.Contains(ArmTemplate.NameExpression(Resources.Single("Microsoft.Cache/redisEnterprise")), ArmTemplate.NameExpression(assignment), StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_refuses_shared_keys_and_anonymous_reads()
    {
        var storage = Resources.Single("Microsoft.Storage/storageAccounts").GetProperty("properties");

        Assert.False(storage.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(storage.GetProperty("allowBlobPublicAccess").GetBoolean());
    }

    [Fact]
    public void The_identity_holds_the_data_roles_host_storage_needs_on_that_one_account()
    {
        var storageId = ArmTemplate.ResourceIdOf(Resources.Single("Microsoft.Storage/storageAccounts"));
        var onStorage = Resources.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.GetProperty("scope").GetString() == $"[{storageId}]")
            .ToList();

        Assert.Equal(
            new[] { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor }.Order(),
            onStorage.SelectMany(Resources.RoleDefinitionIds).Order());
        Assert.All(onStorage, assignment => AssertGrantedToIdentity(assignment.GetProperty("properties")));
    }

    [Fact]
    public void Telemetry_is_sent_with_the_identity_only()
    {
        var insights = Resources.Single("Microsoft.Insights/components");
        var insightsId = ArmTemplate.ResourceIdOf(insights);
        var assignment = Assert.Single(
            Resources.OfType("Microsoft.Authorization/roleAssignments"),
            candidate => candidate.GetProperty("scope").GetString() == $"[{insightsId}]");

        Assert.True(insights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
        Assert.Contains(
            ArmTemplate.ResourceIdOf(Resources.Single("Microsoft.OperationalInsights/workspaces")),
            insights.GetProperty("properties").GetProperty("WorkspaceResourceId").GetString(),
            StringComparison.Ordinal);
        Assert.Equal([MonitoringMetricsPublisher], Resources.RoleDefinitionIds(assignment));
        AssertGrantedToIdentity(assignment.GetProperty("properties"));
    }

    private void AssertGrantedToIdentity(JsonElement roleAssignmentProperties)
    {
        AssertPrincipalOfIdentity(roleAssignmentProperties.GetProperty("principalId"));
        Assert.Equal("ServicePrincipal", roleAssignmentProperties.GetProperty("principalType").GetString());
    }

    private void AssertPrincipalOfIdentity(JsonElement value)
    {
        var expression = value.GetString()!;
        Assert.StartsWith($"[reference({IdentityId}, ", expression, StringComparison.Ordinal);
        Assert.EndsWith(").principalId]", expression, StringComparison.Ordinal);
    }
}
