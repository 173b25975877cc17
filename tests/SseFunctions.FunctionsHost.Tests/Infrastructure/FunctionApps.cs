using System.Reflection;

namespace SseFunctions.FunctionsHost.Tests.Infrastructure;

/// <summary>Where the function apps the tests run were built (the project file records it).</summary>
internal static class FunctionApps
{
    /// <summary>The repository's <c>functions-sample</c>.</summary>
    public static string Sample => Directory("FunctionsSample");

    /// <summary><c>tests/SseFunctions.PipelineApp</c>: the sample's functions, the worker pipeline chosen by the <c>PIPELINE</c> setting.</summary>
    public static string Pipeline => Directory("PipelineApp");

    private static string Directory(string app)
    {
        var directory = typeof(FunctionApps).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == app).Value!;
        if (!File.Exists(Path.Combine(directory, "worker.config.json")))
        {
            throw new InvalidOperationException(
                $"{app} is not built in {directory}: build the solution (dotnet build SseFunctions.sln -c Release) before running these tests.");
        }

        return directory;
    }
}
