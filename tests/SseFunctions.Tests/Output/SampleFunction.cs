using System.Reflection;

namespace SseFunctions.Tests.Output;

/// <summary>What the Functions worker knows of a <see cref="SampleFunctions"/> method: its entry point and assembly path.</summary>
internal static class SampleFunction
{
    public static string AssemblyPath => typeof(SampleFunctions).Assembly.Location;

    public static string EntryPoint(string methodName) => $"{typeof(SampleFunctions).FullName}.{methodName}";

    public static MethodInfo Method(string methodName) =>
        typeof(SampleFunctions).GetMethod(methodName) ?? throw new ArgumentException($"No sample function {methodName}.", nameof(methodName));
}
