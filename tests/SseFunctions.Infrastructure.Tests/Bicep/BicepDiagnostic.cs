using System.Text.Json;

namespace SseFunctions.Infrastructure.Tests.Bicep;

/// <summary>One diagnostic of the Bicep compiler or linter, read from its SARIF output.</summary>
internal sealed record BicepDiagnostic(string Level, string RuleId, string Message, string Location)
{
    /// <summary>Errors and warnings; SARIF's notes are information only.</summary>
    public bool IsErrorOrWarning => Level is "error" or "warning";

    public override string ToString() => $"{Location}: {Level} {RuleId}: {Message}";

    /// <summary>
    /// Reads the diagnostics of a run that printed SARIF (<c>--diagnostics-format sarif</c>): <c>bicep lint</c> prints it
    /// on standard output, <c>bicep build --outfile</c> on standard error.
    /// </summary>
    public static IReadOnlyList<BicepDiagnostic> ReadSarif(BicepRun run)
    {
        var sarif = run.StandardOutput.TrimStart().StartsWith('{') ? run.StandardOutput : run.StandardError;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(sarif);
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"Bicep printed no SARIF diagnostics: {run}", exception);
        }

        using (document)
        {
            return document.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(sarifRun => sarifRun.GetProperty("results").EnumerateArray())
                .Select(Read)
                .ToList();
        }
    }

    private static BicepDiagnostic Read(JsonElement result)
    {
        // SARIF leaves the level out when it is the default, "warning" (Bicep's BCP warnings come that way).
        var level = result.TryGetProperty("level", out var value) ? value.GetString() ?? "warning" : "warning";
        var location = result.TryGetProperty("locations", out var locations) && locations.GetArrayLength() > 0
            ? Describe(locations[0].GetProperty("physicalLocation"))
            : "(no location)";
        return new BicepDiagnostic(
            level,
            result.TryGetProperty("ruleId", out var rule) ? rule.GetString() ?? "?" : "?",
            result.GetProperty("message").GetProperty("text").GetString() ?? string.Empty,
            location);
    }

    private static string Describe(JsonElement physicalLocation)
    {
        var file = physicalLocation.GetProperty("artifactLocation").GetProperty("uri").GetString() ?? "?";
        var line = physicalLocation.TryGetProperty("region", out var region) && region.TryGetProperty("startLine", out var start)
            ? start.GetInt32()
            : 0;
        return $"{Path.GetFileName(new Uri(file).LocalPath)}({line})";
    }
}
