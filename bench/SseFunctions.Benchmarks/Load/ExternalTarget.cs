using Microsoft.AspNetCore.WebUtilities;
using SseFunctions.Benchmarks.Clients;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Loads a server started elsewhere, once, through its Redis: the same row, without the server's own figures.</summary>
internal static class ExternalTarget
{
    public static async Task<int> RunAsync(Uri streamUrl, BenchArguments arguments, TextWriter output)
    {
        var redis = arguments.Require("--redis");
        var channel = QueryHelpers.ParseQuery(streamUrl.Query).TryGetValue("channel", out var channels) ? channels[0]! : SseOptions.DefaultChannel;
        var scenario = Scenario.Custom(arguments);
        await using IEventPublisher publisher = arguments.Get("--publisher") == "plain"
            ? await PlainPublisher.ConnectAsync(redis, channel)
            : new PackagePublisher(redis, channel);
        using var load = new LoadRun(new RunTarget(streamUrl, StreamKind.ServerSentEvents, redis, ServerProcessId: null, HasControlEndpoints: false), publisher, output);
        var run = await load.ExecuteAsync(scenario, streamUrl.Authority, attempt: 0);
        ResultTable.WriteHeader(output);
        ResultTable.WriteRow(output, run);
        return 0;
    }
}
