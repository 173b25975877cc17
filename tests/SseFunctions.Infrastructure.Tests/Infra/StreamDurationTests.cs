using System.Globalization;
using System.Text.Json;

namespace SseFunctions.Infrastructure.Tests.Infra;

/// <summary>
/// A stream outliving host.json's functionTimeout makes the host restart the worker and end every stream on it, so the
/// deployed Sse__MaxStreamDuration must stay under it for every value the template accepts, and above the jitter.
/// </summary>
[Collection(SharedCompilation.Name)]
public sealed class StreamDurationTests(CompiledInfrastructure infrastructure)
{
    private JsonElement Minutes => infrastructure.Main.Parameter("maxStreamDurationMinutes");

    [Fact]
    public void Every_accepted_duration_ends_streams_before_the_function_timeout()
    {
        var functionTimeout = FunctionTimeout();
        var largest = TimeSpan.FromMinutes(Minutes.GetProperty("maxValue").GetInt32());

        Assert.True(largest < functionTimeout, $"Sse__MaxStreamDuration may be {largest}, not under host.json's functionTimeout {functionTimeout}.");
        Assert.True(Minutes.GetProperty("defaultValue").GetInt32() <= Minutes.GetProperty("maxValue").GetInt32());
    }

    [Fact]
    public void Every_accepted_duration_is_longer_than_the_default_jitter()
    {
        var smallest = TimeSpan.FromMinutes(Minutes.GetProperty("minValue").GetInt32());

        Assert.True(smallest > new SseOptions().MaxStreamDurationJitter, "The package refuses a jitter as long as the duration.");
    }

    [Fact]
    public void The_minutes_become_the_TimeSpan_the_package_parses()
    {
        // main.bicep writes the minutes as 00:mm:00, which holds for two-digit minutes only.
        Assert.Equal(
            "[format('00:{0}:00', padLeft(string(parameters('maxStreamDurationMinutes')), 2, '0'))]",
            infrastructure.Main.ModuleArgument("resources", "maxStreamDuration"));
        Assert.True(Minutes.GetProperty("maxValue").GetInt32() < 60);
        var minutes = Minutes.GetProperty("defaultValue").GetInt32();
        Assert.Equal(TimeSpan.FromMinutes(minutes), TimeSpan.Parse($"00:{minutes:00}:00", CultureInfo.InvariantCulture));
    }

    private static TimeSpan FunctionTimeout()
    {
        using var hostJson = JsonDocument.Parse(RepositoryFiles.Read("host.json"));
        // Without functionTimeout, a Premium plan's default is 30 minutes; -1 means unbounded.
        return hostJson.RootElement.TryGetProperty("functionTimeout", out var value)
            ? value.GetString() is "-1" ? TimeSpan.MaxValue : TimeSpan.Parse(value.GetString()!, CultureInfo.InvariantCulture)
            : TimeSpan.FromMinutes(30);
    }
}
