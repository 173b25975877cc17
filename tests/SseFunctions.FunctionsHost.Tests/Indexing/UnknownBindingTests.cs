using System.Net;
using SseFunctions.FunctionsHost.Tests.Host;
using SseFunctions.FunctionsHost.Tests.Infrastructure;

namespace SseFunctions.FunctionsHost.Tests.Indexing;

/// <summary>
/// Why <c>[SseOutput]</c> is no output binding: a function with a binding type the host has no extension for is not
/// loaded at all. The sample's functions, with <c>[SseOutput]</c>, are all loaded (see the quickstart tests).
/// </summary>
public sealed class UnknownBindingTests
{
    [Fact]
    public async Task A_function_with_an_output_binding_no_extension_provides_is_refused_and_not_routed()
    {
        await using var host = await FunctionsTestHost.StartAsync(FunctionApps.Pipeline, new Dictionary<string, string?> { ["PIPELINE"] = "Sample" });
        using var client = host.CreateClient();

        using var notify = await client.GetAsync("api/notify");

        Assert.Equal("Function 'Notify': the binding type(s) 'notify' are not registered.", Assert.Single(host.Refusals));
        Assert.DoesNotContain(host.Functions, function => function.Name == "Notify");
        Assert.Equal(HttpStatusCode.NotFound, notify.StatusCode);
    }
}
