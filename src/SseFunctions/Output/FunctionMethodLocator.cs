using System.Reflection;
using System.Runtime.Loader;

namespace SseFunctions.Output;

/// <summary>
/// Finds a function's method from what the Functions worker tells about it: its entry point (<c>Full.Type.Name.Method</c>)
/// and the path of its assembly, resolved the way the worker's own <c>DefaultMethodInfoLocator</c> does. The worker has
/// no public API for a function's <see cref="MethodInfo"/> (azure-functions-dotnet-worker issue #903).
/// </summary>
internal static class FunctionMethodLocator
{
    /// <summary>
    /// The function's method, or <see langword="null"/> when it is not a public method that can be found this way:
    /// extensions register functions of their own (with executors of their own), and those carry no <c>[SseOutput]</c>.
    /// </summary>
    public static MethodInfo? Locate(string entryPoint, string pathToAssembly)
    {
        ArgumentNullException.ThrowIfNull(entryPoint);

        // The worker splits at the last dot too: the type name may hold dots (namespaces) and '+' (nesting), a method name neither.
        var dot = entryPoint.LastIndexOf('.');
        if (dot <= 0 || dot == entryPoint.Length - 1 || string.IsNullOrEmpty(pathToAssembly))
        {
            return null;
        }

        try
        {
            var assembly = FindLoaded(pathToAssembly) ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(pathToAssembly));
            return assembly.GetType(entryPoint[..dot])?.GetMethod(entryPoint[(dot + 1)..]);
        }
        catch (Exception exception) when (exception is IOException or BadImageFormatException or ArgumentException or AmbiguousMatchException)
        {
            // No such file, not an assembly, or an overloaded name: the worker cannot run this method either.
            return null;
        }
    }

    /// <summary>
    /// The function app's assembly is normally loaded already (it is the worker's entry assembly); loading it again by
    /// path could fail, or load a second copy whose attributes are other types than the ones the app uses.
    /// </summary>
    private static Assembly? FindLoaded(string pathToAssembly)
    {
        var fullPath = Path.GetFullPath(pathToAssembly);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var assembly in AssemblyLoadContext.Default.Assemblies)
        {
            if (!assembly.IsDynamic && assembly.Location.Length > 0 && string.Equals(assembly.Location, fullPath, comparison))
            {
                return assembly;
            }
        }

        return null;
    }
}
