using System.Collections;
using System.Collections.Concurrent;

namespace SseFunctions.Output;

/// <summary>
/// Everything the Functions worker middleware decides about <c>[SseOutput]</c>: which functions publish (found once per
/// function and cached) and how a returned value becomes events. The middleware itself only adapts the worker to this.
/// </summary>
internal sealed class SseOutputPublisher(ISsePublisher publisher, SseOptions options)
{
    private readonly ConcurrentDictionary<string, SseOutputPlan?> _plans = new(StringComparer.Ordinal);

    /// <summary>
    /// The plan of a function, by the identity the worker gives it; <see langword="null"/> (also cached) when it
    /// publishes nothing. A plan that cannot work throws on every invocation, naming the function.
    /// </summary>
    public SseOutputPlan? FindPlan(string functionId, string functionName, string entryPoint, string pathToAssembly)
    {
        ArgumentNullException.ThrowIfNull(functionId);
        return _plans.GetOrAdd(
            functionId,
            static (_, function) => FunctionMethodLocator.Locate(function.EntryPoint, function.PathToAssembly) is { } method
                ? SseOutputPlan.Create(function.Name, method, function.Options)
                : null,
            (Name: functionName, EntryPoint: entryPoint, PathToAssembly: pathToAssembly, Options: options));
    }

    /// <summary>
    /// Publishes what the plan says of a function's return value, in order, one event after the other.
    /// </summary>
    /// <returns>How many events were published.</returns>
    /// <exception cref="InvalidOperationException">A returned event is invalid; the message names the function.</exception>
    /// <exception cref="SseBrokerUnavailableException">The broker could not be reached; later events were not published.</exception>
    public async Task<int> PublishAsync(SseOutputPlan plan, object? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var published = 0;
        if (plan.MethodOutput is { } methodOutput)
        {
            published += await PublishValueAsync(plan, "the return value", methodOutput, result, cancellationToken).ConfigureAwait(false);
        }

        if (result is not null)
        {
            foreach (var output in plan.PropertyOutputs)
            {
                var value = output.Property.GetValue(result);
                published += await PublishValueAsync(plan, $"property {output.DisplayName}", output.Attribute, value, cancellationToken).ConfigureAwait(false);
            }
        }

        return published;
    }

    /// <summary>
    /// A sequence is one event per item; anything JSON writes as a single value (a string, bytes, a dictionary or any
    /// other object) is one event. <see langword="null"/>, as a value or an item, publishes nothing.
    /// </summary>
    private async Task<int> PublishValueAsync(SseOutputPlan plan, string source, SseOutputAttribute attribute, object? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return 0;
        }

        if (!IsSequence(value))
        {
            await PublishEventAsync(plan, source, attribute, value, cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var published = 0;
        foreach (var item in (IEnumerable)value)
        {
            if (item is not null)
            {
                await PublishEventAsync(plan, source, attribute, item, cancellationToken).ConfigureAwait(false);
                published++;
            }
        }

        return published;
    }

    private async Task PublishEventAsync(SseOutputPlan plan, string source, SseOutputAttribute attribute, object value, CancellationToken cancellationToken)
    {
        try
        {
            if (value is SseMessage message)
            {
                await publisher.PublishAsync(
                    message.Data,
                    message.Type ?? attribute.Type,
                    message.Id,
                    message.Retry,
                    message.Channel ?? attribute.Channel,
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await publisher.PublishAsync(value, attribute.Type, channel: attribute.Channel, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOperationException(
                $"Function '{plan.FunctionName}': the event from {source} could not be published: {exception.Message}",
                exception);
        }
    }

    private static bool IsSequence(object value)
    {
        if (value is string or byte[] or IDictionary || value is not IEnumerable)
        {
            return false;
        }

        // Generic dictionaries (JsonObject, ExpandoObject, Dictionary<,> seen through its interfaces) are objects in JSON.
        foreach (var contract in value.GetType().GetInterfaces())
        {
            if (contract.IsGenericType
                && (contract.GetGenericTypeDefinition() == typeof(IDictionary<,>) || contract.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            {
                return false;
            }
        }

        return true;
    }
}
