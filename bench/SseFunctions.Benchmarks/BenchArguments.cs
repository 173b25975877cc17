using System.Globalization;

namespace SseFunctions.Benchmarks;

/// <summary>The benchmark's <c>--name value</c> options, after an optional command word.</summary>
internal sealed class BenchArguments
{
    public const string Usage = """
        Usage:
          (no arguments) or --preset issue14     the issue-14 tables: saturated and steady on all four sides, and the scale
                                                 curve of the package and the baseline, twice each (about 17 minutes)
          --preset issue5                        the issue-5 table: saturated, steady and idle, package and baseline, twice each
          --streams N --rate R --seconds T [--attempts A] [--sides package,baseline,signalr-ws,signalr-sse]
                                                 one scenario of your own against the sides named (package and baseline)
          --url http://host:port/stream?channel=c --redis host:port [--publisher package|plain] --streams N --rate R --seconds T
                                                 load a server started elsewhere (memory and CPU are not measured)
          micro [BenchmarkDotNet options]        the micro-benchmarks, e.g. micro --filter '*'
          server --kind package|baseline|signalr --redis host:port --channel c
                                                 one benchmark server (the load program starts these itself)
        """;

    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public BenchArguments(string[] args)
    {
        var rest = args.AsSpan();
        if (!rest.IsEmpty && !rest[0].StartsWith("--", StringComparison.Ordinal))
        {
            Command = rest[0];
            rest = rest[1..];
        }

        Rest = rest.ToArray();
        for (var i = 0; i + 1 < rest.Length; i += 2)
        {
            _options[rest[i]] = rest[i + 1];
        }
    }

    /// <summary>The first word when it is not an option: <c>server</c>, <c>micro</c>; null for the load program.</summary>
    public string? Command { get; }

    /// <summary>Everything after the command word, for BenchmarkDotNet's own options.</summary>
    public string[] Rest { get; }

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public string Require(string name) =>
        Get(name) ?? throw new ArgumentException($"Missing {name}. {Usage}");

    public int GetInt(string name, int fallback) =>
        Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
