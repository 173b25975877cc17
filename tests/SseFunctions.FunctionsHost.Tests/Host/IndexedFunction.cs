using System.Text.Json;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>A function as the host indexed it from the worker's metadata: its trigger and, for HTTP, its route.</summary>
public sealed class IndexedFunction
{
    /// <summary>The binding types this host has extensions for; the real host refuses a function with any other.</summary>
    private static readonly HashSet<string> KnownBindingTypes = new(["httpTrigger", "http", "timerTrigger"], StringComparer.OrdinalIgnoreCase);

    private IndexedFunction(RpcFunctionMetadata metadata, string triggerType, string triggerName, string? route, IReadOnlyList<string> methods)
    {
        Metadata = metadata;
        TriggerType = triggerType;
        TriggerName = triggerName;
        Route = route;
        Methods = methods;
    }

    public string Name => Metadata.Name;

    public string Id => Metadata.FunctionId;

    public string TriggerType { get; }

    /// <summary>The trigger parameter's binding name, under which the invocation carries the trigger's data.</summary>
    public string TriggerName { get; }

    /// <summary>For an HTTP trigger, its route without the <c>api/</c> prefix (the function's name when the metadata has none).</summary>
    public string? Route { get; }

    /// <summary>For an HTTP trigger, the methods it accepts; empty means all.</summary>
    public IReadOnlyList<string> Methods { get; }

    public bool IsHttp => string.Equals(TriggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase);

    internal RpcFunctionMetadata Metadata { get; }

    /// <summary>Indexes one function; <see langword="null"/> with the reason when the host refuses it, as the real host's indexing does.</summary>
    internal static IndexedFunction? TryIndex(RpcFunctionMetadata metadata, out string? refusal)
    {
        var bindings = metadata.RawBindings.Select(static raw => JsonElement.Parse(raw)).ToList();
        var unknown = bindings.Select(static binding => binding.GetProperty("type").GetString() ?? string.Empty)
            .Where(type => !KnownBindingTypes.Contains(type))
            .ToList();
        if (unknown.Count > 0)
        {
            refusal = $"Function '{metadata.Name}': the binding type(s) '{string.Join("', '", unknown)}' are not registered.";
            return null;
        }

        var trigger = bindings.FirstOrDefault(static binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
        if (trigger.ValueKind != JsonValueKind.Object)
        {
            refusal = $"Function '{metadata.Name}' has no trigger binding.";
            return null;
        }

        refusal = null;
        var triggerType = trigger.GetProperty("type").GetString()!;
        var isHttp = string.Equals(triggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase);
        var route = isHttp ? (trigger.TryGetProperty("route", out var r) ? r.GetString() : null) ?? metadata.Name : null;
        IReadOnlyList<string> methods = isHttp && trigger.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
            ? [.. m.EnumerateArray().Select(static method => method.GetString()!.ToUpperInvariant())]
            : [];
        return new IndexedFunction(metadata, triggerType, trigger.GetProperty("name").GetString()!, route, methods);
    }
}
