using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Services;

/// <summary>What <see cref="LedgerService.HoldAsync"/> reserved, and the wallet after.</summary>
public sealed record HoldResult(Guid RunId, long Amount, WalletDto Wallet);

/// <summary>What <see cref="LedgerService.CaptureAsync"/> or <see cref="LedgerService.ReleaseAsync"/> charged, and the wallet after.</summary>
public sealed record SettleResult(Guid RunId, long Charged, WalletDto Wallet);
