namespace SseFunctions.Infrastructure.Tests.Bicep;

/// <summary>What one run of the Bicep CLI printed and returned.</summary>
internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"exit code {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{StandardOutput}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}";
}
