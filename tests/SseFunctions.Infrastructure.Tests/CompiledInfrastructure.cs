using System.Text.Json;
using SseFunctions.Infrastructure.Tests.Bicep;
using SseFunctions.Infrastructure.Tests.Template;

namespace SseFunctions.Infrastructure.Tests;

/// <summary>
/// infra/main.bicep built and linted once for all the checks: the compiler's and the linter's diagnostics, and the
/// compiled template with the nested template of its <c>resources</c> module, where every resource lives.
/// </summary>
public sealed class CompiledInfrastructure : IAsyncLifetime
{
    private readonly string _outputDirectory = Directory.CreateTempSubdirectory("sse-infra-").FullName;
    private ArmTemplate? _main;

    internal static string MainBicep => RepositoryFiles.PathOf("infra", "main.bicep");

    internal BicepRun Build { get; private set; } = null!;

    internal IReadOnlyList<BicepDiagnostic> BuildDiagnostics { get; private set; } = [];

    internal BicepRun Lint { get; private set; } = null!;

    internal IReadOnlyList<BicepDiagnostic> LintDiagnostics { get; private set; } = [];

    internal ArmTemplate Main =>
        _main ?? throw new InvalidOperationException($"infra/main.bicep did not compile: {string.Join(Environment.NewLine, BuildDiagnostics)}{Environment.NewLine}{Build}");

    internal ArmTemplate Resources => Main.Module("resources");

    public async Task InitializeAsync()
    {
        var compiled = Path.Combine(_outputDirectory, "main.json");
        Build = await BicepCli.RunAsync("build", MainBicep, "--outfile", compiled, "--diagnostics-format", "sarif");
        BuildDiagnostics = BicepDiagnostic.ReadSarif(Build);
        if (Build.ExitCode == 0 && File.Exists(compiled))
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(compiled));
            _main = new ArmTemplate(document.RootElement.Clone());
        }

        Lint = await BicepCli.RunAsync("lint", MainBicep, "--diagnostics-format", "sarif");
        LintDiagnostics = BicepDiagnostic.ReadSarif(Lint);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_outputDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
