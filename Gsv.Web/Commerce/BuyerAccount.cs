using Gsv.ControlPlane.Client;
using Microsoft.AspNetCore.Authentication;

namespace Gsv.Web.Commerce;

/// <summary>
/// The Control Plane's public API for the signed-in buyer: each call forwards the user's own access token from the
/// cookie session, server-side (the browser never holds it).
/// </summary>
public sealed class BuyerAccount(ControlPlaneUserClient controlPlane, IHttpContextAccessor accessor)
{
    public bool IsSignedIn => accessor.HttpContext?.User.Identity?.IsAuthenticated == true;

    public string? Email => accessor.HttpContext?.User.FindFirst("email")?.Value;

    public async Task<WalletDto?> WalletAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.GetWalletAsync(await TokenAsync(), cancellationToken: cancellationToken);

    public async Task<List<InstanceDto>> InstancesAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.ListInstancesAsync(await TokenAsync(), cancellationToken);

    public async Task<InstanceDto?> InstanceAsync(Guid id, CancellationToken cancellationToken = default) =>
        await controlPlane.GetInstanceAsync(await TokenAsync(), id, cancellationToken);

    public async Task<LedgerPageDto?> LedgerAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.GetLedgerAsync(await TokenAsync(), 1, 100, cancellationToken: cancellationToken);

    public async Task<InstanceDto> StartTrialAsync(string offering, CancellationToken cancellationToken = default) =>
        await controlPlane.StartTrialAsync(await TokenAsync(), offering, cancellationToken);

    private async Task<string> TokenAsync()
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The buyer's account is only used within a request.");
        return await context.GetTokenAsync("access_token")
            ?? throw new InvalidOperationException("The session carries no access token.");
    }
}
