using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using SseFunctions.FunctionsHost.Tests.Host.Rpc;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>
/// The host's end of one worker's <c>EventStream</c>: messages to the worker are queued and written in order; each
/// message from the worker completes the first waiter that matches it. A waiter is registered before its request is
/// sent (<see cref="Expect"/>), so no answer can slip past it.
/// </summary>
internal sealed class WorkerConnection
{
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>();
    private readonly Lock _gate = new();
    private readonly List<(Func<StreamingMessage, bool> Matches, TaskCompletionSource<StreamingMessage> Reply)> _waiters = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    /// <summary>What the worker logged over the stream (<c>RpcLog</c>), oldest first.</summary>
    public ConcurrentQueue<RpcLog> Logs { get; } = new();

    /// <summary>Completes when the worker's stream has ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>A task for the next message from the worker that <paramref name="matches"/>.</summary>
    public Task<StreamingMessage> Expect(Func<StreamingMessage, bool> matches)
    {
        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_ended)
            {
                reply.SetException(new InvalidOperationException("The worker's EventStream has ended."));
            }
            else
            {
                _waiters.Add((matches, reply));
            }
        }

        return reply.Task;
    }

    public void Send(StreamingMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>Serves the worker's call until it hangs up (or the host stops).</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        var writing = WriteAsync(toWorker, cancellationToken);
        try
        {
            while (await fromWorker.MoveNext(cancellationToken))
            {
                Receive(fromWorker.Current);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // The worker went away (killed, or exited after WorkerTerminate).
        }
        finally
        {
            End();
            _outgoing.Writer.TryComplete();
        }

        await writing;
    }

    private void Receive(StreamingMessage message)
    {
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            Logs.Enqueue(message.RpcLog);
            return;
        }

        TaskCompletionSource<StreamingMessage>? reply = null;
        lock (_gate)
        {
            var index = _waiters.FindIndex(waiter => waiter.Matches(message));
            if (index >= 0)
            {
                reply = _waiters[index].Reply;
                _waiters.RemoveAt(index);
            }
        }

        // Anything else (the empty acknowledgements of InvocationCancel and WorkerTerminate) needs no answer.
        reply?.TrySetResult(message);
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                await toWorker.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The call ended while a message was waiting: the reader side reports it.
        }
    }

    private void End()
    {
        List<TaskCompletionSource<StreamingMessage>> waiting;
        lock (_gate)
        {
            _ended = true;
            waiting = [.. _waiters.Select(waiter => waiter.Reply)];
            _waiters.Clear();
        }

        foreach (var reply in waiting)
        {
            reply.TrySetException(new InvalidOperationException("The worker's EventStream ended before this answer."));
        }

        _closed.TrySetResult();
    }
}
