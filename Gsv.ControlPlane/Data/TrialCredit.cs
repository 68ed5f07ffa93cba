namespace Gsv.ControlPlane.Data;

/// <summary>
/// The credits a trial granted, earmarked for its instance: they are in the wallet's balance (and its ledger, as the
/// trial's grant) but only runs of <see cref="InstanceId"/> may spend them, and what is left when the trial ends is
/// taken out of the wallet (an <c>expire</c> ledger entry). Changed only under the wallet's lock, by
/// <see cref="Wallet"/>'s rules. A row with nothing <see cref="Remaining"/> no longer matters and is not read again.
/// </summary>
public sealed class TrialCredit
{
    public Guid InstanceId { get; set; }

    public Guid WorkspaceId { get; set; }

    /// <summary>What the trial granted.</summary>
    public long Granted { get; set; }

    /// <summary>Granted, less what the instance's runs were charged from it and what expired.</summary>
    public long Remaining { get; set; }

    /// <summary>What the instance's open holds reserve (however they are funded): that much of <see cref="Remaining"/> is theirs.</summary>
    public long Held { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>What no other instance may spend: the part of <see cref="Remaining"/> not already held by this instance.</summary>
    public long Reserved => Math.Max(0, Remaining - Held);
}
