using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SseFunctions.Tests.Output;

/// <summary>
/// Methods shaped like Azure Functions, found by reflection the way the worker finds them (entry point and assembly
/// path). Only their signatures and attributes matter: the tests never call them.
/// </summary>
public static class SampleFunctions
{
    [SseOutput(Type = "time")]
    public static object Tick() => throw new NotSupportedException();

    [SseOutput(Channel = "news", Type = "headline")]
    public static Task<string> HeadlineAsync() => throw new NotSupportedException();

    [SseOutput]
    public static ValueTask<SseMessage> MessageAsync() => throw new NotSupportedException();

    public static GreetingOutput Hello() => throw new NotSupportedException();

    public static Task<GreetingOutput> HelloAsync() => throw new NotSupportedException();

    public static string Plain() => throw new NotSupportedException();

    public static UnmarkedOutput PlainOutput() => throw new NotSupportedException();

    [SseOutput(Channel = "")]
    public static object EmptyChannel() => throw new NotSupportedException();

    [SseOutput(Type = "time\nid: 1")]
    public static object BrokenType() => throw new NotSupportedException();

    [SseOutput]
    public static void Nothing() => throw new NotSupportedException();

    [SseOutput]
    public static Task NothingAsync() => throw new NotSupportedException();

    [SseOutput]
    public static ValueTask NothingValueAsync() => throw new NotSupportedException();

    [SseOutput]
    public static IActionResult ActionResult() => throw new NotSupportedException();

    [SseOutput]
    public static Task<IResult> MinimalResultAsync() => throw new NotSupportedException();

    [SseOutput]
    public static GreetingOutput Both() => throw new NotSupportedException();

    public static BadChannelOutput BadProperty() => throw new NotSupportedException();

    public static WriteOnlyOutput WriteOnly() => throw new NotSupportedException();

    public static string Overloaded() => throw new NotSupportedException();

    public static string Overloaded(int value) => throw new NotSupportedException();
}
