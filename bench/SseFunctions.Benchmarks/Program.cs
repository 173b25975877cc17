using BenchmarkDotNet.Running;
using SseFunctions.Benchmarks;
using SseFunctions.Benchmarks.Load;
using SseFunctions.Benchmarks.Server;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchArguments.Usage);
    return 0;
}

var arguments = new BenchArguments(args);
switch (arguments.Command)
{
    case "server":
        return await BenchServer.RunAsync(
            Enum.Parse<ServerKind>(arguments.Require("--kind"), ignoreCase: true),
            arguments.Require("--redis"),
            arguments.Require("--channel"));
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments.Rest);
        return 0;
    case null:
        break;
    default:
        Console.Error.WriteLine(BenchArguments.Usage);
        return 2;
}

if (CpuPinning.Available && !CpuPinning.IsPinnedLoadProgram)
{
    return await CpuPinning.RelaunchPinnedAsync(args);
}

if (arguments.Get("--url") is { } url)
{
    return await ExternalTarget.RunAsync(new Uri(url), arguments, Console.Out);
}

if (arguments.Get("--streams") is null)
{
    var scenarios = arguments.Get("--preset") switch
    {
        null or "issue14" => BenchSuite.Issue14,
        "issue5" => BenchSuite.Issue5,
        _ => null,
    };
    if (scenarios is null)
    {
        Console.Error.WriteLine($"Unknown preset '{arguments.Get("--preset")}'. {BenchArguments.Usage}");
        return 2;
    }

    return await BenchSuite.RunAsync(scenarios, attempts: arguments.GetInt("--attempts", 2), Console.Out);
}

return await BenchSuite.RunAsync([Scenario.Custom(arguments)], attempts: arguments.GetInt("--attempts", 2), Console.Out);
