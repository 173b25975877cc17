namespace SseFunctions.Worker.Tests;

/// <summary>
/// Function methods, found by the middleware through their entry point and assembly path as in a function app. The
/// tests never call them (a mocked executor stands in for running them), so triggers are left out: the middleware
/// looks only at the method, its return type and the function's output bindings.
/// </summary>
public static class SampleFunctions
{
    [SseOutput(Type = "time")]
    public static object Tick() => throw new NotSupportedException();

    public static GreetingOutput Hello() => throw new NotSupportedException();

    public static string Plain() => throw new NotSupportedException();

    [SseOutput(Channel = "")]
    public static string EmptyChannel() => throw new NotSupportedException();

    public static string EntryPoint(string methodName) => $"{typeof(SampleFunctions).FullName}.{methodName}";
}
