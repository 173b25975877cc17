using SseFunctions.Infrastructure.Tests.Template;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>An Elastic Premium plan on Linux, EP1 unless told otherwise, with warm instances; the app on .NET 10.</summary>
[Collection(SharedCompilation.Name)]
public sealed class HostingPlanTests(CompiledInfrastructure infrastructure)
{
    private ArmTemplate Main => infrastructure.Main;

    private ArmTemplate Resources => infrastructure.Resources;

    [Fact]
    public void The_plan_is_Elastic_Premium_on_Linux_and_EP1_by_default()
    {
        var plan = Resources.Single("Microsoft.Web/serverfarms");
        var sku = plan.GetProperty("sku");

        Assert.Equal("ElasticPremium", sku.GetProperty("tier").GetString());
        Assert.Equal("[parameters('planSku')]", sku.GetProperty("name").GetString());
        Assert.Equal("[parameters('planSku')]", Main.ModuleArgument("resources", "planSku"));
        Assert.Equal("EP1", Main.Parameter("planSku").GetProperty("defaultValue").GetString());
        Assert.Equal(["EP1", "EP2", "EP3"], Main.Parameter("planSku").GetProperty("allowedValues").EnumerateArray().Select(value => value.GetString()));
        Assert.Equal("elastic", plan.GetProperty("kind").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean(), "A Linux plan has reserved: true.");
    }

    [Fact]
    public void At_least_one_instance_is_always_ready()
    {
        var siteConfig = Resources.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig");
        var plan = Resources.Single("Microsoft.Web/serverfarms");
        var alwaysReady = Main.Parameter("alwaysReadyInstances");

        Assert.Equal("[parameters('alwaysReadyInstances')]", siteConfig.GetProperty("minimumElasticInstanceCount").GetString());
        // The plan's minimum instance count bounds the app's always-ready count, so both follow the parameter.
        Assert.Equal("[parameters('alwaysReadyInstances')]", plan.GetProperty("sku").GetProperty("capacity").GetString());
        Assert.Equal("[parameters('alwaysReadyInstances')]", Main.ModuleArgument("resources", "alwaysReadyInstances"));
        Assert.True(alwaysReady.GetProperty("defaultValue").GetInt32() >= 1);
        Assert.True(alwaysReady.GetProperty("minValue").GetInt32() >= 1);
    }

    [Fact]
    public void The_app_is_a_Linux_function_app_on_the_dotnet_isolated_10_runtime_over_HTTPS_and_HTTP2()
    {
        var site = Resources.Single("Microsoft.Web/sites");
        var properties = site.GetProperty("properties");
        var siteConfig = properties.GetProperty("siteConfig");

        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        Assert.Equal("DOTNET-ISOLATED|10.0", siteConfig.GetProperty("linuxFxVersion").GetString());
        Assert.Equal($"[{ArmTemplate.ResourceIdOf(Resources.Single("Microsoft.Web/serverfarms"))}]", properties.GetProperty("serverFarmId").GetString());
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.True(siteConfig.GetProperty("http20Enabled").GetBoolean());
    }

    [Fact]
    public void Publishing_with_user_names_and_passwords_is_off()
    {
        var policies = Resources.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(2, policies.Count);
        Assert.All(policies, policy => Assert.False(policy.GetProperty("properties").GetProperty("allow").GetBoolean()));
    }
}
