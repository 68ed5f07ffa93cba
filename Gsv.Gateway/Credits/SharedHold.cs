namespace Gsv.Gateway.Credits;

/// <summary>
/// A hold made ahead for the next runs of one instance at one price: one ledger hold of <c>shares</c> × <see cref="Price"/>
/// under its own id. A run that takes a share runs under its own id and is charged its price from this hold, which
/// stays open. Once no share is left to take (all taken, or the rest withdrawn) and no run on it is still settling, it
/// is closed: what is left is released. Shares withdrawn while runs on it still settle are released at once, as a part
/// of the hold, so that another run can have those credits without waiting for them.
/// </summary>
internal sealed class SharedHold(Guid id, long price, int shares, long heldAt)
{
    private int _untaken = shares;
    private int _settling;
    private bool _closing;
    private TaskCompletionSource? _partRelease;

    public Guid Id { get; } = id;

    /// <summary>The credits of one share: the price of a run.</summary>
    public long Price { get; } = price;

    /// <summary>When the ledger held it (timestamp of the request: it is no older than that).</summary>
    public long HeldAt { get; } = heldAt;

    public int Untaken
    {
        get
        {
            lock (this)
            {
                return _untaken;
            }
        }
    }

    /// <summary>The release of the shares withdrawn while runs settled, if any: the hold is closed after it.</summary>
    public Task PartRelease
    {
        get
        {
            lock (this)
            {
                return _partRelease?.Task ?? Task.CompletedTask;
            }
        }
    }

    /// <summary>Takes a share for a run (which must then call <see cref="RunSettled"/>); false when none is left.</summary>
    public bool TryTake()
    {
        lock (this)
        {
            if (_untaken == 0)
            {
                return false;
            }

            _untaken--;
            _settling++;
            return true;
        }
    }

    /// <summary>
    /// Hands out no more shares. Returns how many were withdrawn, and whether the hold is to be closed now (no run on it
    /// is settling). Otherwise, when shares were withdrawn, the caller releases them and then calls <see cref="PartReleased"/>.
    /// </summary>
    public (int Withdrawn, bool Close) Withdraw()
    {
        lock (this)
        {
            var withdrawn = _untaken;
            _untaken = 0;
            var close = ShouldClose();
            if (!close && withdrawn > 0)
            {
                _partRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return (withdrawn, close);
        }
    }

    /// <summary>The withdrawn shares' release has landed (or failed, logged): the hold may be closed.</summary>
    public void PartReleased()
    {
        lock (this)
        {
            _partRelease?.TrySetResult();
        }
    }

    /// <summary>A run on this hold has settled (or given up); true when the hold is now to be closed.</summary>
    public bool RunSettled()
    {
        lock (this)
        {
            _settling--;
            return ShouldClose();
        }
    }

    private bool ShouldClose()
    {
        if (_untaken > 0 || _settling > 0 || _closing)
        {
            return false;
        }

        _closing = true;
        return true;
    }
}
