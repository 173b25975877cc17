using System.Text.RegularExpressions;
using SseFunctions.Infrastructure.Tests.Template;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>No secret goes in or comes out: no secure parameter or output, no key listed, no key-based connection.</summary>
[Collection(SharedCompilation.Name)]
public sealed partial class SecretsTests(CompiledInfrastructure infrastructure)
{
    private IEnumerable<ArmTemplate> Templates => [infrastructure.Main, infrastructure.Resources];

    [Fact]
    public void No_parameter_or_output_is_secure()
    {
        foreach (var template in Templates)
        {
            Assert.All(template.Parameters, parameter => Assert.DoesNotContain("secure", Type(parameter.Value), StringComparison.OrdinalIgnoreCase));
            Assert.All(template.Outputs, output => Assert.DoesNotContain("secure", Type(output.Value), StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void No_key_is_listed_or_read_anywhere()
    {
        var compiled = infrastructure.Main.Root.GetRawText();

        Assert.DoesNotMatch(ListFunction(), compiled);
        Assert.DoesNotContain("AccountKey=", compiled, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", compiled, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("InstrumentationKey", compiled, StringComparison.Ordinal);
        Assert.DoesNotContain("APPINSIGHTS_INSTRUMENTATIONKEY", compiled, StringComparison.Ordinal);
    }

    [Fact]
    public void No_output_carries_a_connection_string()
    {
        foreach (var template in Templates)
        {
            Assert.All(template.Outputs, output => Assert.DoesNotContain("ConnectionString", output.Value.GetRawText(), StringComparison.OrdinalIgnoreCase));
        }
    }

    private static string Type(System.Text.Json.JsonElement declaration) => declaration.GetProperty("type").GetString() ?? string.Empty;

    // listKeys(), listConnectionStrings(), listSecrets(), list() and every other ARM list* function hands out secrets.
    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.CultureInvariant)]
    private static partial Regex ListFunction();
}
