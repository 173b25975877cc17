using System.Reflection;

namespace SseFunctions.Output;

/// <summary>A property of a function's return type whose value is published, with the <c>[SseOutput]</c> that says how.</summary>
internal sealed record SseOutputProperty(PropertyInfo Property, SseOutputAttribute Attribute)
{
    /// <summary>How messages name the property: <c>Type.Property</c>.</summary>
    public string DisplayName => $"{Property.DeclaringType?.Name}.{Property.Name}";
}
