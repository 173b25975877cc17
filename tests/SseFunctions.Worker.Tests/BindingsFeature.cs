using Microsoft.Azure.Functions.Worker;
using Moq;

namespace SseFunctions.Worker.Tests;

/// <summary>
/// <c>GetInvocationResult()</c> reads and writes the invocation's bindings feature, an internal interface of
/// Microsoft.Azure.Functions.Worker.Core (<c>IFunctionBindingsFeature</c>, reached through the internal
/// <c>FunctionContextFunctionBindingExtensions.GetBindings</c>), so no public API can provide it. Worker.Core lets Moq's
/// proxy assembly see its internals (<c>InternalsVisibleTo("DynamicProxyGenAssembly2")</c>), so a mock made by
/// reflection stands in, its <c>InvocationResult</c> property keeping what was set. If the SDK renames the interface,
/// <see cref="Type"/> throws and says so.
/// </summary>
internal static class BindingsFeature
{
    public static Type Type { get; } = typeof(FunctionContext).Assembly.GetType(
        "Microsoft.Azure.Functions.Worker.Context.Features.IFunctionBindingsFeature",
        throwOnError: true)!;

    public static object Create()
    {
        var mock = (Mock)Activator.CreateInstance(typeof(Mock<>).MakeGenericType(Type))!;
        mock.GetType().GetMethod(nameof(Mock<object>.SetupAllProperties))!.Invoke(mock, null);
        return mock.Object;
    }
}
