using System.Text.Json;

namespace SseFunctions.Infrastructure.Tests.Template;

/// <summary>
/// A compiled ARM template (what <c>bicep build</c> writes), read the way the checks need it: resources by type,
/// parameters, variables, outputs, the nested template of a Bicep module, and a site's app settings.
/// </summary>
internal sealed class ArmTemplate(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public IEnumerable<JsonElement> Resources =>
        Root.GetProperty("resources") is { ValueKind: JsonValueKind.Object } symbolic
            ? symbolic.EnumerateObject().Select(property => property.Value)
            : Root.GetProperty("resources").EnumerateArray();

    public IEnumerable<JsonProperty> Parameters => Root.GetProperty("parameters").EnumerateObject();

    public IEnumerable<JsonProperty> Outputs =>
        Root.TryGetProperty("outputs", out var outputs) ? outputs.EnumerateObject() : [];

    public JsonElement Parameter(string name) =>
        Root.GetProperty("parameters").TryGetProperty(name, out var parameter)
            ? parameter
            : throw new InvalidOperationException($"The template has no parameter '{name}'.");

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public JsonElement Single(string type)
    {
        var matches = OfType(type).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"Expected one {type} in the template, found {matches.Count}.");
    }

    /// <summary>The template of the Bicep module deployed under <paramref name="deploymentName"/>.</summary>
    public ArmTemplate Module(string deploymentName) =>
        new(OfType("Microsoft.Resources/deployments")
            .Single(deployment => deployment.GetProperty("name").GetString() == deploymentName)
            .GetProperty("properties").GetProperty("template"));

    /// <summary>The expression the template passes to the module <paramref name="deploymentName"/> for <paramref name="parameter"/>.</summary>
    public string ModuleArgument(string deploymentName, string parameter) =>
        Text(OfType("Microsoft.Resources/deployments")
            .Single(deployment => deployment.GetProperty("name").GetString() == deploymentName)
            .GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value"));

    /// <summary>
    /// The built-in role definition ids a role assignment grants: one, or one per copy when it is a loop over a variable.
    /// </summary>
    public IReadOnlyList<string> RoleDefinitionIds(JsonElement roleAssignment)
    {
        const string Prefix = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ";
        const string PerCopy = "[copyIndex()]";
        var expression = roleAssignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
        if (!expression.StartsWith(Prefix, StringComparison.Ordinal) || !expression.EndsWith(")]", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected roleDefinitionId: {expression}");
        }

        var argument = expression[Prefix.Length..^2];
        if (argument.EndsWith(PerCopy, StringComparison.Ordinal))
        {
            return Variable(argument[..^PerCopy.Length]).EnumerateArray().Select(role => Resolve(role).GetString()!).ToList();
        }

        return [argument.StartsWith('\'') ? argument.Trim('\'') : Resolve(Variable(argument)).GetString()!];
    }

    /// <summary>
    /// The value behind <c>[variables('name')]</c> or <c>[variables('name').member]</c>, or the value itself when it is
    /// no such reference.
    /// </summary>
    public JsonElement Resolve(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is ['[', .. var inner, ']']
            && inner.StartsWith("variables('", StringComparison.Ordinal)
            ? Resolve(Variable(inner))
            : value;

    // variables('name') or variables('name').member.member, as it appears inside an expression.
    private JsonElement Variable(string reference)
    {
        const string Prefix = "variables('";
        if (!reference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Not a variable reference: {reference}");
        }

        var nameEnd = reference.IndexOf("')", StringComparison.Ordinal);
        var resolved = Root.GetProperty("variables").GetProperty(reference[Prefix.Length..nameEnd]);
        foreach (var member in reference[(nameEnd + 2)..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            resolved = Resolve(resolved).GetProperty(member);
        }

        return resolved;
    }

    /// <summary>The ARM expression that names <paramref name="resource"/>, without its brackets.</summary>
    public static string NameExpression(JsonElement resource) => Unbracket(resource.GetProperty("name").GetString()!);

    /// <summary>How the template refers to <paramref name="resource"/> (a top-level one): <c>resourceId(type, name)</c>.</summary>
    public static string ResourceIdOf(JsonElement resource) =>
        $"resourceId('{resource.GetProperty("type").GetString()}', {NameExpression(resource)})";

    public static IReadOnlyDictionary<string, string> AppSettings(JsonElement site) =>
        site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(setting => setting.GetProperty("name").GetString()!, setting => Text(setting.GetProperty("value")));

    /// <summary>A property's value as text: a string as is, anything else as its JSON.</summary>
    public static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string Unbracket(string expression) =>
        expression.StartsWith('[') && expression.EndsWith(']') ? expression[1..^1] : $"'{expression}'";
}
