using SseFunctions.FunctionsHost.Tests.Host;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;

namespace SseFunctions.FunctionsHost.Tests.Indexing;

/// <summary>The test host indexes functions as the real host does: it refuses a binding type no extension of its registers.</summary>
public sealed class IndexedFunctionTests
{
    [Fact]
    public void A_function_with_an_unknown_binding_type_is_refused_naming_the_type()
    {
        var metadata = Metadata("Notify", """{"name":"req","type":"httpTrigger","direction":"In","methods":["get"]}""", """{"name":"$return","type":"sse","direction":"Out"}""");

        var indexed = IndexedFunction.TryIndex(metadata, out var refusal);

        Assert.Null(indexed);
        Assert.Equal("Function 'Notify': the binding type(s) 'sse' are not registered.", refusal);
    }

    [Fact]
    public void An_http_function_is_routed_by_its_route_and_methods()
    {
        var metadata = Metadata("Publish", """{"name":"req","type":"httpTrigger","direction":"In","methods":["post"],"route":"publish"}""", """{"name":"$return","type":"http","direction":"Out"}""");

        var indexed = IndexedFunction.TryIndex(metadata, out var refusal);

        Assert.Null(refusal);
        Assert.Equal(("publish", "req", true), (indexed!.Route, indexed.TriggerName, indexed.IsHttp));
        Assert.Equal(["POST"], indexed.Methods);
    }

    private static RpcFunctionMetadata Metadata(string name, params string[] rawBindings) =>
        new() { Name = name, FunctionId = Guid.NewGuid().ToString(), RawBindings = { rawBindings } };
}
