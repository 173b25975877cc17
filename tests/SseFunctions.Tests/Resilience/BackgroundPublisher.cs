namespace SseFunctions.Tests.Resilience;

/// <summary>
/// Publishes one event after another, alternating over some channels, recording every attempt in a ledger, until
/// stopped: the live load under which a test fails something over.
/// </summary>
public sealed class BackgroundPublisher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _publishing;

    public BackgroundPublisher(PublishLedger ledger, ISsePublisher publisher, params string[] channels)
    {
        Ledger = ledger;
        _publishing = Task.Run(async () =>
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                await ledger.TryPublishAsync(publisher, channels[i % channels.Length], "publisher", i);

                // Pacing only, so that the ledger stays small; whatever the test does still falls between publishes at random.
                await Task.Delay(TimeSpan.FromMilliseconds(5));
            }
        });
    }

    public PublishLedger Ledger { get; }

    public int Acknowledged => Ledger.Attempts.Count(attempt => attempt.Acknowledged);

    /// <summary>Waits until <paramref name="count"/> more publishes than now were acknowledged.</summary>
    public Task WaitForMoreAcknowledgedAsync(int count)
    {
        var target = Acknowledged + count;
        return Infrastructure.Eventually.TrueAsync(() => Acknowledged >= target, $"{target} publishes are acknowledged");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _publishing;
        _stop.Dispose();
    }
}
