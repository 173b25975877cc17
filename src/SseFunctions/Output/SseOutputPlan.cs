using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SseFunctions.Events;
using SseFunctions.Streaming;

namespace SseFunctions.Output;

/// <summary>
/// What one function publishes: its return value (<c>[SseOutput]</c> on the method) or the values of some properties of
/// its return type (<c>[SseOutput]</c> on those properties, beside <c>[HttpResult]</c> or other outputs). Built once per
/// function, when it is first invoked, and checked then, so that a bad attribute fails with the function's name.
/// </summary>
internal sealed class SseOutputPlan
{
    // The binding type the Functions SDK gives an HTTP trigger's response, including the one it adds for the return value.
    private const string HttpBindingType = "http";

    private SseOutputPlan(string functionName, SseOutputAttribute? methodOutput, IReadOnlyList<SseOutputProperty> propertyOutputs)
    {
        FunctionName = functionName;
        MethodOutput = methodOutput;
        PropertyOutputs = propertyOutputs;
    }

    public string FunctionName { get; }

    /// <summary>The attribute on the method, when the return value itself is published.</summary>
    public SseOutputAttribute? MethodOutput { get; }

    /// <summary>The properties of the return type whose values are published, in declaration order.</summary>
    public IReadOnlyList<SseOutputProperty> PropertyOutputs { get; }

    /// <summary>
    /// The plan for <paramref name="method"/>, or <see langword="null"/> when it publishes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">An <c>[SseOutput]</c> cannot work; the message names the function.</exception>
    public static SseOutputPlan? Create(string functionName, MethodInfo method, SseOptions options)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(options);

        var methodOutput = method.GetCustomAttribute<SseOutputAttribute>(inherit: true);
        var returnType = ValueType(method.ReturnType);
        var propertyOutputs = new List<SseOutputProperty>();
        if (returnType is not null)
        {
            foreach (var property in returnType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<SseOutputAttribute>(inherit: true) is { } attribute)
                {
                    propertyOutputs.Add(new SseOutputProperty(property, attribute));
                }
            }
        }

        if (methodOutput is null && propertyOutputs.Count == 0)
        {
            return null;
        }

        if (methodOutput is not null)
        {
            ThrowIfUnpublishable(functionName, returnType, propertyOutputs);
            ThrowIfInvalid(functionName, "the method", methodOutput, options);
        }

        foreach (var output in propertyOutputs)
        {
            if (output.Property.GetMethod is not { IsPublic: true } || output.Property.GetIndexParameters().Length > 0)
            {
                throw Problem(functionName, $"property {output.DisplayName}", "must be a property with a public getter and no index parameters.");
            }

            ThrowIfInvalid(functionName, $"property {output.DisplayName}", output.Attribute, options);
        }

        return new SseOutputPlan(functionName, methodOutput, propertyOutputs);
    }

    /// <summary>
    /// Whether the invocation result should be cleared once published, given the type of the function's <c>$return</c>
    /// output binding (<see langword="null"/> when it has none).
    /// </summary>
    /// <remarks>
    /// Without a <c>$return</c> binding, the worker would still send the value to the host, which has no use for it.
    /// With an HTTP one, the value is no response (the plan refuses HTTP results), so clearing it changes nothing but
    /// what crosses to the host. Any other <c>$return</c> binding (a queue, a blob…) takes the value as well: keep it.
    /// </remarks>
    public static bool ClearsResult(string? returnBindingType) =>
        returnBindingType is null || string.Equals(returnBindingType, HttpBindingType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The type of the value a method returns once awaited, or <see langword="null"/> when it returns nothing.</summary>
    private static Type? ValueType(Type returnType)
    {
        if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            return null;
        }

        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>))
            {
                return returnType.GetGenericArguments()[0];
            }
        }

        return returnType;
    }

    private static void ThrowIfUnpublishable(string functionName, Type? returnType, List<SseOutputProperty> propertyOutputs)
    {
        if (returnType is null)
        {
            throw Problem(functionName, "the method", "needs a return value to publish, but the method returns none.");
        }

        if (typeof(IActionResult).IsAssignableFrom(returnType) || typeof(IResult).IsAssignableFrom(returnType))
        {
            throw Problem(
                functionName,
                "the method",
                $"would publish the HTTP response ({returnType.Name}); return a type with an [HttpResult] property for the " +
                "response and an [SseOutput] property for the event instead.");
        }

        if (propertyOutputs.Count > 0)
        {
            throw Problem(
                functionName,
                "the method",
                $"publishes the whole return value, and {propertyOutputs[0].DisplayName} has an [SseOutput] of its own; keep one of them.");
        }
    }

    private static void ThrowIfInvalid(string functionName, string target, SseOutputAttribute attribute, SseOptions options)
    {
        if (ChannelNameRules.Problem(attribute.Channel, options) is { } channelProblem)
        {
            throw Problem(functionName, target, $"has an invalid Channel: {channelProblem}");
        }

        if (EventFieldValidator.TypeProblem(attribute.Type) is { } typeProblem)
        {
            throw Problem(functionName, target, $"has an invalid Type: {typeProblem}");
        }
    }

    private static InvalidOperationException Problem(string functionName, string target, string problem) =>
        new($"Function '{functionName}': [SseOutput] on {target} {problem}");
}
