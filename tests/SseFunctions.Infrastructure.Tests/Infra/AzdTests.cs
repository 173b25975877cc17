using System.Text.Json;
using System.Text.RegularExpressions;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>What <c>azd up</c> needs: the service in azure.yaml, the tag that finds its app, the parameters azd fills.</summary>
[Collection(SharedCompilation.Name)]
public sealed partial class AzdTests(CompiledInfrastructure infrastructure)
{
    [Fact]
    public void Azure_yaml_deploys_functions_sample_as_a_dotnet_function_app()
    {
        var services = ServicesSection(RepositoryFiles.Read("azure.yaml"));

        Assert.Matches(@"(?m)^  functions:\s*$", services);
        Assert.Matches(@"(?m)^    project: \./functions-sample\s*$", services);
        Assert.Matches(@"(?m)^    language: dotnet\s*$", services);
        Assert.Matches(@"(?m)^    host: function\s*$", services);
        Assert.True(File.Exists(RepositoryFiles.PathOf("functions-sample", "FunctionsSample.csproj")));
    }

    [Fact]
    public void The_function_app_carries_the_services_tag()
    {
        var tags = infrastructure.Resources.Single("Microsoft.Web/sites").GetProperty("tags").GetString();

        Assert.Equal("[union(parameters('tags'), createObject('azd-service-name', 'functions'))]", tags);
        Assert.Contains("azd-env-name", infrastructure.Main.Root.GetProperty("variables").GetProperty("tags").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_parameters_file_fills_every_required_parameter_from_the_azd_environment()
    {
        using var file = JsonDocument.Parse(RepositoryFiles.Read("infra", "main.parameters.json"));
        var given = file.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(parameter => parameter.Name, parameter => parameter.Value.GetProperty("value").GetString());
        var declared = infrastructure.Main.Parameters.ToList();

        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", given["location"]);
        Assert.All(given.Keys, name => Assert.Contains(declared, parameter => parameter.Name == name));
        Assert.All(
            declared.Where(parameter => !parameter.Value.TryGetProperty("defaultValue", out _)),
            parameter => Assert.Contains(parameter.Name, given.Keys));
    }

    private static string ServicesSection(string azureYaml) =>
        ServicesBlock().Match(azureYaml) is { Success: true } match
            ? match.Value
            : throw new InvalidOperationException("azure.yaml has no services: section.");

    [GeneratedRegex(@"(?ms)^services:\s*$.*?(?=^\S|\z)", RegexOptions.CultureInvariant)]
    private static partial Regex ServicesBlock();
}
