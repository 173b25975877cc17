using System.Collections;
using Microsoft.Azure.Functions.Worker;

namespace SseFunctions.Worker.Tests;

/// <summary>An invocation's features, as a dictionary: the worker's own collection is internal.</summary>
internal sealed class TestInvocationFeatures : IInvocationFeatures
{
    private readonly Dictionary<Type, object> _features = [];

    public T? Get<T>() => _features.TryGetValue(typeof(T), out var feature) ? (T)feature : default;

    public void Set<T>(T instance) => _features[typeof(T)] = instance ?? throw new ArgumentNullException(nameof(instance));

    /// <summary>Sets a feature whose type the tests cannot name (an internal one of the worker).</summary>
    public void Set(Type type, object instance) => _features[type] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
