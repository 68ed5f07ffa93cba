using Gsv.ControlPlane.Client;
using Microsoft.AspNetCore.Authentication;

namespace Gsv.Web.Seller;

/// <summary>
/// The seller console's calls, made with the signed-in user's access token: the Provisioner's seller API decides who
/// may use it (role <c>gsv-admin</c>); anyone else gets a 403 there, which the pages show as such.
/// </summary>
public sealed class SellerConsole(SellerClient seller, IHttpContextAccessor accessor)
{
    public async Task<List<SellerOfferingDto>> OfferingsAsync(CancellationToken cancellationToken) =>
        await seller.ListOfferingsAsync(await TokenAsync(), cancellationToken);

    public async Task<SellerOfferingDto?> OfferingAsync(string slug, CancellationToken cancellationToken) =>
        await seller.GetOfferingAsync(await TokenAsync(), slug, cancellationToken);

    public async Task<SellerOptionsDto> OptionsAsync(CancellationToken cancellationToken) =>
        await seller.GetOptionsAsync(await TokenAsync(), cancellationToken);

    public async Task<SellerOfferingDto> CreateAsync(SellerOfferingInput input, CancellationToken cancellationToken) =>
        await seller.CreateOfferingAsync(await TokenAsync(), input, cancellationToken);

    public async Task<SellerOfferingDto> UpdateAsync(string slug, SellerOfferingInput input, CancellationToken cancellationToken) =>
        await seller.UpdateOfferingAsync(await TokenAsync(), slug, input, cancellationToken);

    public async Task<SellerOfferingDto> SetPublishedAsync(string slug, bool published, CancellationToken cancellationToken) =>
        await seller.SetPublishedAsync(await TokenAsync(), slug, published, cancellationToken);

    public async Task<List<SellerFlowDto>> FlowsAsync(CancellationToken cancellationToken) =>
        await seller.ListFlowsAsync(await TokenAsync(), cancellationToken);

    public async Task<SellerFlowDto> UploadFlowAsync(SellerFlowUpload upload, CancellationToken cancellationToken) =>
        await seller.UploadFlowAsync(await TokenAsync(), upload, cancellationToken);

    /// <summary>Whether the failure is the seller API refusing this user (not an administrator).</summary>
    public static bool IsForbidden(Exception exception) =>
        exception is ControlPlaneProblemException { Status: System.Net.HttpStatusCode.Forbidden };

    /// <summary>A page the seller API refused to this user answers 403 (unless its response has started).</summary>
    public static void RespondForbidden(HttpContext? context)
    {
        if (context is { Response.HasStarted: false })
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
    }

    private async Task<string> TokenAsync()
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The seller console is only used within a request.");
        return await context.GetTokenAsync("access_token")
            ?? throw new InvalidOperationException("The session carries no access token.");
    }
}
