using SseFunctions.Infrastructure.Tests.Bicep;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>The test command fails on any compiler or linter error or warning in infra/, and says which.</summary>
[Collection(SharedCompilation.Name)]
public sealed class BicepDiagnosticsTests(CompiledInfrastructure infrastructure)
{
    [Fact]
    public void Build_of_main_bicep_reports_no_error_or_warning()
    {
        AssertClean("bicep build infra/main.bicep", infrastructure.Build, infrastructure.BuildDiagnostics);
    }

    [Fact]
    public void Lint_of_main_bicep_reports_no_error_or_warning()
    {
        AssertClean("bicep lint infra/main.bicep", infrastructure.Lint, infrastructure.LintDiagnostics);
    }

    [Fact]
    public async Task A_warning_and_a_linter_finding_are_caught_with_the_repositorys_linter_settings()
    {
        // The same check on a template that is wrong on purpose, beside a copy of infra/bicepconfig.json: a resource type
        // the compiler has no types for (a compiler warning) and an unused parameter (a linter rule raised to error).
        var directory = Directory.CreateTempSubdirectory("sse-bicep-check-").FullName;
        try
        {
            File.Copy(RepositoryFiles.PathOf("infra", "bicepconfig.json"), Path.Combine(directory, "bicepconfig.json"));
            var template = Path.Combine(directory, "wrong.bicep");
            await File.WriteAllTextAsync(template, """
                param unused string
                resource site 'Microsoft.Web/sites@2099-01-01' = {
                  name: 'x'
                  location: 'westeurope'
                }
                output id string = site.id
                """);

            var diagnostics = BicepDiagnostic.ReadSarif(await BicepCli.RunAsync("lint", template, "--diagnostics-format", "sarif"));

            Assert.Contains(diagnostics, diagnostic => diagnostic is { RuleId: "BCP081", Level: "warning" });
            Assert.Contains(diagnostics, diagnostic => diagnostic is { RuleId: "no-unused-params", Level: "error" });
            Assert.Contains(diagnostics, diagnostic => diagnostic is { RuleId: "no-hardcoded-location", Level: "error" });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertClean(string command, BicepRun run, IReadOnlyList<BicepDiagnostic> diagnostics)
    {
        var problems = diagnostics.Where(diagnostic => diagnostic.IsErrorOrWarning).ToList();
        Assert.True(
            run.ExitCode == 0 && problems.Count == 0,
            $"{command} must pass with no error or warning; it reported {problems.Count}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems) + Environment.NewLine + (run.ExitCode == 0 ? string.Empty : run.ToString()));
    }
}
