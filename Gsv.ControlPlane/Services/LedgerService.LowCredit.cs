using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;

namespace Gsv.ControlPlane.Services;

/// <summary>The workspace's low-credit threshold: changing it is a wallet change like any other (locked, may cross).</summary>
public sealed partial class LedgerService
{
    public async Task<LowCreditSettingsDto?> GetLowCreditAsync(Guid workspaceId, CancellationToken cancellationToken = default) =>
        await GetWalletRowAsync(workspaceId, cancellationToken) is { } wallet ? LowCredit(wallet) : null;

    /// <summary>
    /// Sets the threshold (null: back to the default) under the wallet's lock; a crossing it causes (the balance is
    /// now below the new threshold, or no longer below) is stored and emailed like one caused by a charge.
    /// </summary>
    public Task<LowCreditSettingsDto> SetLowCreditAsync(Guid workspaceId, long? threshold, CancellationToken cancellationToken = default) =>
        db.InTransactionAsync(async () =>
        {
            var wallet = await LockWalletAsync(workspaceId, cancellationToken);
            wallet.LowThresholdOverride = threshold;
            await SaveWithCrossingsAsync(wallet, time.GetUtcNow(), cancellationToken);
            return LowCredit(wallet);
        }, cancellationToken);

    private static LowCreditSettingsDto LowCredit(Wallet wallet) => new(
        wallet.WorkspaceId, wallet.LowThreshold, Wallet.DefaultThreshold(wallet.LargestTopUp), wallet.LowThresholdOverride is null, wallet.Balance, wallet.Low);
}
