using SseFunctions.Output;

namespace SseFunctions.Tests.Output;

public sealed class FunctionMethodLocatorTests
{
    [Fact]
    public void A_method_is_found_from_its_entry_point_and_assembly_path()
    {
        var method = FunctionMethodLocator.Locate(SampleFunction.EntryPoint(nameof(SampleFunctions.Tick)), SampleFunction.AssemblyPath);

        Assert.Same(SampleFunction.Method(nameof(SampleFunctions.Tick)), method);
    }

    [Fact]
    public void An_assembly_path_that_is_not_normalized_still_finds_the_loaded_assembly()
    {
        var directory = Path.GetDirectoryName(SampleFunction.AssemblyPath)!;
        var roundabout = Path.Combine(directory, ".", "..", Path.GetFileName(directory), Path.GetFileName(SampleFunction.AssemblyPath));

        var method = FunctionMethodLocator.Locate(SampleFunction.EntryPoint(nameof(SampleFunctions.Hello)), roundabout);

        Assert.Same(SampleFunction.Method(nameof(SampleFunctions.Hello)), method);
    }

    [Theory]
    [InlineData("NoDotAtAll")]
    [InlineData(".Tick")]
    [InlineData("SseFunctions.Tests.Output.SampleFunctions.")]
    [InlineData("SseFunctions.Tests.Output.NoSuchType.Tick")]
    [InlineData("SseFunctions.Tests.Output.SampleFunctions.NoSuchMethod")]
    public void An_entry_point_that_names_no_method_finds_nothing(string entryPoint)
    {
        Assert.Null(FunctionMethodLocator.Locate(entryPoint, SampleFunction.AssemblyPath));
    }

    [Fact]
    public void An_overloaded_method_name_finds_nothing_as_the_worker_cannot_run_it_either()
    {
        Assert.Null(FunctionMethodLocator.Locate(SampleFunction.EntryPoint(nameof(SampleFunctions.Overloaded)), SampleFunction.AssemblyPath));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/nonexistent/functions/App.dll")]
    public void An_assembly_that_is_not_there_finds_nothing(string path)
    {
        Assert.Null(FunctionMethodLocator.Locate(SampleFunction.EntryPoint(nameof(SampleFunctions.Tick)), path));
    }

    [Fact]
    public void A_file_that_is_no_assembly_finds_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-an-assembly-{Guid.NewGuid():N}.dll");
        File.WriteAllText(path, "plain text");
        try
        {
            Assert.Null(FunctionMethodLocator.Locate("App.Functions.Run", path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
