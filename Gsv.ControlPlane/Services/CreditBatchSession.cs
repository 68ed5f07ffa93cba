using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gsv.ControlPlane.Services;

/// <summary>The rows a credit batch changes, collected while its rules run in memory and written in one round trip.</summary>
public sealed class CreditBatchWrites
{
    public List<CreditHold> NewHolds { get; } = [];

    /// <summary>Existing holds changed (settled, or charged or released in part): each written once however often it changed.</summary>
    public HashSet<CreditHold> ChangedHolds { get; } = [];

    public List<LedgerEntry> Entries { get; } = [];

    public List<Run> Runs { get; } = [];

    public HashSet<Wallet> ChangedWallets { get; } = [];

    public List<WalletEvent> Events { get; } = [];
}

/// <summary>
/// The persistence of a credit batch in plain SQL, three round trips in all: lock the wallets (workspace order) and
/// read the holds under those locks; write every change; commit. The wallet locks are held from the first to the
/// last, so every batch on a wallet stays serialized by PostgreSQL while holding the lock as briefly as possible —
/// this is the Gateway's hot path, where EF Core's change tracking and one command per query cost several times more.
/// </summary>
public sealed class CreditBatchSession : IAsyncDisposable
{
    private readonly ControlPlaneDbContext _db;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private CreditBatchSession(ControlPlaneDbContext db, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_db, _connection, _transaction) = (db, connection, transaction);

    /// <summary>Opens the context's connection and a transaction of its own (not nested in an EF Core transaction).</summary>
    public static async Task<CreditBatchSession> BeginAsync(ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A credit batch runs in its own transaction, not inside another one.");
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        return new CreditBatchSession(db, connection, await connection.BeginTransactionAsync(cancellationToken));
    }

    /// <summary>
    /// Locks the wallets of <paramref name="holdWorkspaces"/> and of the holds <paramref name="settledHolds"/>, then reads
    /// the holds <paramref name="holdIds"/> and which of the ledger entries <paramref name="entryKeys"/> exist (their amounts).
    /// </summary>
    public async Task<(Dictionary<Guid, Wallet> Wallets, Dictionary<Guid, CreditHold> Holds, Dictionary<string, long> Entries)> LockAsync(
        Guid[] holdWorkspaces, Guid[] settledHolds, Guid[] holdIds, string[] entryKeys, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(_connection, _transaction)
        {
            BatchCommands =
            {
                Command("""
                    SELECT "WorkspaceId", "Balance", "Held", "LargestTopUp", "LowThresholdOverride", "Low", "UpdatedAt", "Empty" FROM wallets
                    WHERE "WorkspaceId" = ANY($1) OR "WorkspaceId" IN (SELECT "WorkspaceId" FROM credit_holds WHERE "RunId" = ANY($2))
                    ORDER BY "WorkspaceId" FOR UPDATE
                    """, holdWorkspaces, settledHolds),
                Command("""
                    SELECT "RunId", "WorkspaceId", "InstanceId", "Amount", "Status", "Charged", "Freed", "CreatedAt", "SettledAt" FROM credit_holds
                    WHERE "RunId" = ANY($1)
                    """, holdIds),
                // As one parameter: a string[] alone would be taken for the params array itself.
                Command("""SELECT "IdempotencyKey", "Amount" FROM ledger_entries WHERE "IdempotencyKey" = ANY($1)""", (object)entryKeys),
                // The trial credits still earmarked in those wallets (changed only under the wallet locks taken above).
                Command("""
                    SELECT "InstanceId", "WorkspaceId", "Granted", "Remaining", "Held", "ExpiresAt" FROM trial_credits
                    WHERE "Remaining" > 0
                      AND ("WorkspaceId" = ANY($1) OR "WorkspaceId" IN (SELECT "WorkspaceId" FROM credit_holds WHERE "RunId" = ANY($2)))
                    """, holdWorkspaces, settledHolds),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var wallets = new Dictionary<Guid, Wallet>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var wallet = new Wallet
            {
                WorkspaceId = reader.GetGuid(0), Balance = reader.GetInt64(1), Held = reader.GetInt64(2),
                LargestTopUp = reader.IsDBNull(3) ? null : reader.GetInt64(3), LowThresholdOverride = reader.IsDBNull(4) ? null : reader.GetInt64(4),
                Low = reader.GetBoolean(5), UpdatedAt = reader.GetFieldValue<DateTimeOffset>(6), Empty = reader.GetBoolean(7),
            };
            wallets[wallet.WorkspaceId] = wallet;
        }

        await reader.NextResultAsync(cancellationToken);
        var holds = new Dictionary<Guid, CreditHold>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var hold = new CreditHold
            {
                RunId = reader.GetGuid(0), WorkspaceId = reader.GetGuid(1), InstanceId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
                Amount = reader.GetInt64(3), Status = EnumWireNames.Parse<CreditHoldStatus>(reader.GetString(4)), Charged = reader.GetInt64(5), Freed = reader.GetInt64(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7), SettledAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            };
            holds[hold.RunId] = hold;
        }

        await reader.NextResultAsync(cancellationToken);
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries[reader.GetString(0)] = reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var trial = new TrialCredit
            {
                InstanceId = reader.GetGuid(0), WorkspaceId = reader.GetGuid(1), Granted = reader.GetInt64(2), Remaining = reader.GetInt64(3),
                Held = reader.GetInt64(4), ExpiresAt = reader.GetFieldValue<DateTimeOffset>(5),
            };
            if (wallets.TryGetValue(trial.WorkspaceId, out var wallet))
            {
                wallet.Trials.Add(trial);
            }
        }

        return (wallets, holds, entries);
    }

    /// <summary>
    /// Writes every change in one round trip, then commits: one statement per table over <c>unnest</c>ed column
    /// arrays, so a batch of a hundred runs costs PostgreSQL a handful of statements, not hundreds. A run already
    /// recorded is left as it is.
    /// </summary>
    public async Task SaveAsync(CreditBatchWrites writes, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(_connection, _transaction);
        if (writes.NewHolds is { Count: > 0 } holds)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO credit_holds ("RunId", "WorkspaceId", "InstanceId", "Amount", "Status", "Charged", "Freed", "CreatedAt", "SettledAt")
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::timestamptz[], $9::timestamptz[])
                """, Column(holds, h => h.RunId), Column(holds, h => h.WorkspaceId), Column(holds, h => h.InstanceId), Column(holds, h => h.Amount),
                Column(holds, h => h.Status.WireName()), Column(holds, h => h.Charged), Column(holds, h => h.Freed), Column(holds, h => Utc(h.CreatedAt)),
                Column(holds, h => Utc(h.SettledAt))));
        }

        if (writes.ChangedHolds is { Count: > 0 })
        {
            List<CreditHold> changed = [.. writes.ChangedHolds];
            batch.BatchCommands.Add(Command("""
                UPDATE credit_holds SET "Status" = s.status, "Charged" = s.charged, "Freed" = s.freed, "SettledAt" = s.settled_at
                FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::timestamptz[]) AS s(run_id, status, charged, freed, settled_at)
                WHERE credit_holds."RunId" = s.run_id
                """, Column(changed, h => h.RunId), Column(changed, h => h.Status.WireName()), Column(changed, h => h.Charged), Column(changed, h => h.Freed),
                Column(changed, h => Utc(h.SettledAt))));
        }

        if (writes.Entries is { Count: > 0 } entries)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_entries ("Id", "WorkspaceId", "Kind", "GrantKind", "Amount", "Reason", "IdempotencyKey", "RunId", "CreatedAt")
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::uuid[], $9::timestamptz[])
                """, Column(entries, e => e.Id), Column(entries, e => e.WorkspaceId), Column(entries, e => e.Kind.WireName()), Column(entries, e => e.GrantKind?.WireName()),
                Column(entries, e => e.Amount), Column(entries, e => e.Reason), Column(entries, e => e.IdempotencyKey), Column(entries, e => e.RunId),
                Column(entries, e => Utc(e.CreatedAt))));
        }

        if (writes.Runs is { Count: > 0 } runs)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO runs ("RunId", "InstanceId", "WorkspaceId", "Caller", "Status", "CreditsCharged", "DurationMs", "StartedAt", "FinishedAt", "Error", "CitedDocumentIds")
                SELECT r.id, r.instance, r.workspace, r.caller, r.status, r.charged, r.duration, r.started, r.finished, r.error, string_to_array(r.cited, ',')
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[])
                    AS r(id, instance, workspace, caller, status, charged, duration, started, finished, error, cited)
                ON CONFLICT ("RunId") DO NOTHING
                """, Column(runs, r => r.RunId), Column(runs, r => r.InstanceId), Column(runs, r => r.WorkspaceId), Column(runs, r => r.Caller),
                Column(runs, r => r.Status.WireName()), Column(runs, r => r.CreditsCharged), Column(runs, r => r.DurationMs), Column(runs, r => Utc(r.StartedAt)),
                Column(runs, r => Utc(r.FinishedAt)), Column(runs, r => r.Error),
                // A run's cited documents as one comma-joined text (unnest cannot take an array per row): RAGFlow ids are hex.
                Column(runs, r => r.CitedDocumentIds is { Count: > 0 } cited ? string.Join(',', cited) : null)));
        }

        if (writes.ChangedWallets.SelectMany(w => w.Trials).ToList() is { Count: > 0 } trials)
        {
            batch.BatchCommands.Add(Command("""
                UPDATE trial_credits SET "Remaining" = s.remaining, "Held" = s.held
                FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS s(instance_id, remaining, held)
                WHERE trial_credits."InstanceId" = s.instance_id
                """, Column(trials, t => t.InstanceId), Column(trials, t => t.Remaining), Column(trials, t => t.Held)));
        }

        foreach (var w in writes.ChangedWallets)
        {
            batch.BatchCommands.Add(Command("""UPDATE wallets SET "Balance" = $2, "Held" = $3, "Low" = $4, "UpdatedAt" = $5, "Empty" = $6 WHERE "WorkspaceId" = $1""",
                w.WorkspaceId, w.Balance, w.Held, w.Low, Utc(w.UpdatedAt), w.Empty));
        }

        foreach (var e in writes.Events)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO wallet_events ("WorkspaceId", "Kind", "Balance", "Threshold", "CreatedAt") VALUES ($1, $2, $3, $4, $5)
                """, e.WorkspaceId, e.Kind.WireName(), e.Balance, e.Threshold, Utc(e.CreatedAt)));
            if (WalletEvent.IsNotified(e.Kind))
            {
                // The crossing's emails commit with it (and with the ledger change that caused it).
                batch.BatchCommands.Add(LowCreditOutbox.BatchCommand(e));
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await _transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            // A null goes untyped: PostgreSQL gives it the type of the column it is written to.
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>One column of rows, as the array parameter an <c>unnest</c> reads (nulls included).</summary>
    private static T[] Column<TRow, T>(List<TRow> rows, Func<TRow, T> value)
    {
        var column = new T[rows.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = value(rows[i]);
        }

        return column;
    }

    // PostgreSQL's timestamptz takes UTC offsets only.
    private static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

    private static DateTimeOffset? Utc(DateTimeOffset? value) => value?.ToUniversalTime();
}
