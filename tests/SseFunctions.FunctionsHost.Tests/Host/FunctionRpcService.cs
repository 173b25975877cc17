using Grpc.Core;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>The gRPC service the worker calls (<c>--functions-uri</c>): its one call hands the stream to the connection.</summary>
internal sealed class FunctionRpcService(WorkerConnection connection) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        connection.RunAsync(requestStream, responseStream, context.CancellationToken);
}
