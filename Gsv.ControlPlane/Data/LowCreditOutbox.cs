using Gsv.ControlPlane.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Gsv.ControlPlane.Data;

/// <summary>
/// Queues the emails of one crossing: a row per member of the workspace with an email, in the caller's transaction
/// (the ledger change's), so a crossing is never stored without its emails nor the reverse.
/// </summary>
public static class LowCreditOutbox
{
    private const string InsertSql = """
        INSERT INTO email_outbox ("WorkspaceId", "Kind", "Recipient", "Balance", "Threshold", "CreatedAt", "NextAttemptAt", "Attempts")
        SELECT m."WorkspaceId", $2, u."Email", $3, $4, $5, $5, 0
        FROM memberships m JOIN users u ON u."Id" = m."UserId"
        WHERE m."WorkspaceId" = $1 AND u."Email" IS NOT NULL
        """;

    /// <summary>For a credit batch (<c>CreditBatchSession</c>): the statement to add to its one round trip.</summary>
    public static NpgsqlBatchCommand BatchCommand(WalletEvent crossing)
    {
        var command = new NpgsqlBatchCommand(InsertSql);
        AddParameters(command.Parameters, crossing);
        return command;
    }

    /// <summary>For a change made through EF Core: runs in the context's open transaction (required).</summary>
    public static async Task QueueAsync(ControlPlaneDbContext db, WalletEvent crossing, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The emails of a crossing are queued in the ledger change's transaction.");
        await using var command = new NpgsqlCommand(InsertSql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction);
        AddParameters(command.Parameters, crossing);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, WalletEvent crossing)
    {
        parameters.Add(new NpgsqlParameter { Value = crossing.WorkspaceId });
        parameters.Add(new NpgsqlParameter { Value = crossing.Kind.WireName() });
        parameters.Add(new NpgsqlParameter { Value = crossing.Balance });
        parameters.Add(new NpgsqlParameter { Value = crossing.Threshold });
        parameters.Add(new NpgsqlParameter { Value = crossing.CreatedAt.ToUniversalTime() });
    }
}
