using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Data;

public static class DbContextTransactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction: its own (committed at the end, rolled back on error), or the one
    /// already open on the context, so services compose (a trial creates an instance and grants credits atomically).
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this ControlPlaneDbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await work();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
