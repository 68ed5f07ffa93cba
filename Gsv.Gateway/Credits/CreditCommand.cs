namespace Gsv.Gateway.Credits;

/// <summary>The credits of one instance at one price are pooled: a share of a hold made ahead is one run at that price.</summary>
internal readonly record struct PoolKey(Guid InstanceId, long Price);

/// <summary>What <see cref="WorkspaceCredits"/> asks its shell to do; each one that goes to the ledger is answered with an event.</summary>
internal enum CreditCommandKind
{
    /// <summary>Answer waiting run <c>Ticket</c>: it runs on a share of hold <c>HoldId</c>, held already.</summary>
    Grant,

    /// <summary>Send run <c>RunId</c>'s own hold of <c>Amount</c>; report <see cref="WorkspaceCredits.HoldAnswered"/>.</summary>
    Hold,

    /// <summary>Answer waiting run <c>Ticket</c> with what the ledger said to its own hold (held, refused or failed).</summary>
    Answer,

    /// <summary>Send hold <c>HoldId</c> of <c>Amount</c>, made ahead; report <see cref="WorkspaceCredits.RefillAnswered"/>.</summary>
    Refill,

    /// <summary>Release <c>Amount</c> of hold <c>HoldId</c>, which runs still settle on; report <see cref="WorkspaceCredits.PartReleaseLanded"/>.</summary>
    ReleasePart,

    /// <summary>Close hold <c>HoldId</c>: what it has left is released; report <see cref="WorkspaceCredits.CloseLanded"/>.</summary>
    Close,
}

/// <summary>One command; <c>Urgent</c> ones go to the ledger at once (a run waits for what they free).</summary>
internal readonly record struct CreditCommand(CreditCommandKind Kind, PoolKey Pool, long Ticket, Guid RunId, Guid HoldId, long Amount, bool Urgent = false)
{
    public static CreditCommand Grant(PoolKey pool, long ticket, Guid runId, Guid holdId) => new(CreditCommandKind.Grant, pool, ticket, runId, holdId, 0);

    public static CreditCommand Hold(PoolKey pool, long ticket, Guid runId) => new(CreditCommandKind.Hold, pool, ticket, runId, Guid.Empty, pool.Price);

    public static CreditCommand Answer(PoolKey pool, long ticket, Guid runId) => new(CreditCommandKind.Answer, pool, ticket, runId, Guid.Empty, 0);

    public static CreditCommand Refill(PoolKey pool, Guid holdId, int shares) => new(CreditCommandKind.Refill, pool, 0, Guid.Empty, holdId, shares * pool.Price);

    public static CreditCommand ReleasePart(SharedHold hold, int shares, bool urgent) =>
        new(CreditCommandKind.ReleasePart, hold.Pool, 0, Guid.Empty, hold.Id, shares * hold.Pool.Price, urgent);

    public static CreditCommand Close(PoolKey pool, Guid holdId, bool urgent) => new(CreditCommandKind.Close, pool, 0, Guid.Empty, holdId, 0, urgent);
}

/// <summary>What the ledger said to a hold.</summary>
internal enum HoldAnswer
{
    Held,

    /// <summary>Refused for want of credits: a run's first refusal is retried once the workspace's shares are reclaimed.</summary>
    InsufficientCredits,

    /// <summary>Refused otherwise (not found, invalid…).</summary>
    Refused,

    /// <summary>No answer (the Control Plane failing): the ledger may have held it.</summary>
    Failed,
}
