using System.Diagnostics;
using System.Net.Sockets;

namespace SseFunctions.FunctionsHost.Tests.Host;

/// <summary>
/// Retries a forwarded request that the worker's Kestrel refused to connect, as the real host's forwarder does: the
/// worker answers the init request and loads its functions before its web server listens, so the first requests after
/// start-up can find the port still closed.
/// </summary>
internal sealed class WorkerStartRetryHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(250);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var trying = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException exception)
                when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && trying.Elapsed < GiveUpAfter)
            {
                // Nothing was sent (the connection never opened), so the same request can go again.
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
            }
        }
    }
}
