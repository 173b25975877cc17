using System.Reflection;

namespace SseFunctions.Infrastructure.Tests;

/// <summary>Paths the build wrote into this assembly: the repository's root and the restored Bicep compiler.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string BicepExecutable { get; } = Metadata("BicepPath");

    public static string PathOf(params string[] relative) => Path.Combine([Root, .. relative]);

    public static string Read(params string[] relative) => File.ReadAllText(PathOf(relative));

    private static string Metadata(string key) =>
        typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it with its project file.");
}
