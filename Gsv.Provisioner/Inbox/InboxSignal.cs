using System.Threading.Channels;

namespace Gsv.Provisioner.Inbox;

/// <summary>Wakes a polling background loop early (new inbox row, new manifest); the poll interval remains the safety net.</summary>
public sealed class WakeUpSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a notification or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Signals for the inbox worker.</summary>
public sealed class InboxSignal
{
    public WakeUpSignal WakeUp { get; } = new();
}
