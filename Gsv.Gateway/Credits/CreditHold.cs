using Gsv.ControlPlane.Client;

namespace Gsv.Gateway.Credits;

/// <summary>The outcome of a run's hold: <see cref="CreditOutcome.Held"/> for run <c>RunId</c>, or a refusal with the wallet.</summary>
public sealed record CreditHold(Guid RunId, CreditOutcome Outcome, WalletDto? Wallet, string? Detail)
{
    public bool Held => Outcome == CreditOutcome.Held;

    /// <summary>Where the credits are held: the workspace and pool, and the hold made ahead whose share the run took (if any).</summary>
    internal HoldSource? Source { get; init; }
}

/// <summary>A granted run's workspace and pool, and the shared hold it is charged from (null: its own hold).</summary>
internal sealed record HoldSource(CreditReserve.Workspace Workspace, PoolKey Pool, Guid? SharedHoldId);
