using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.Sellers;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.Provisioner.Apis;

/// <summary>
/// <c>/seller/v1</c> (realm role <c>gsv-admin</c>): the seller console's offerings in Saleor with their nine GSV
/// attributes — list, create (not published), change, publish and unpublish — and the choices each attribute has;
/// the flow templates offerings run, and uploads of new ones (Langflow exports, checked by Langflow first).
/// A refused input is a 400 naming each field; nothing is written then.
/// </summary>
public static class SellerApi
{
    public static IEndpointRouteBuilder MapSellerApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/seller/v1").WithTags("Seller").RequireAuthorization(GsvPolicies.Admin);
        seller.MapGet("/options", (SellerCatalog catalog, CancellationToken ct) => catalog.OptionsAsync(ct));
        seller.MapGet("/offerings", (SellerCatalog catalog, CancellationToken ct) => catalog.ListAsync(ct));
        seller.MapGet("/offerings/{slug}", async (string slug, SellerCatalog catalog, CancellationToken ct) =>
            await catalog.FindAsync(slug, ct) is { } offering ? TypedResults.Ok(offering) : NotFound(slug));
        seller.MapPost("/offerings", async (SellerOfferingInput input, SellerCatalog catalog, CancellationToken ct) =>
            Written(await catalog.CreateAsync(input, ct), created: true));
        seller.MapPut("/offerings/{slug}", async (string slug, SellerOfferingInput input, SellerCatalog catalog, CancellationToken ct) =>
            await catalog.UpdateAsync(slug, input, ct) is { } write ? Written(write, created: false) : NotFound(slug));
        seller.MapPost("/offerings/{slug}/publish", async (string slug, SellerCatalog catalog, CancellationToken ct) =>
            await catalog.SetPublishedAsync(slug, true, ct) is { } write ? Written(write, created: false) : NotFound(slug));
        seller.MapPost("/offerings/{slug}/unpublish", async (string slug, SellerCatalog catalog, CancellationToken ct) =>
            await catalog.SetPublishedAsync(slug, false, ct) is { } write ? Written(write, created: false) : NotFound(slug));
        seller.MapGet("/flows", (FlowUploads flows) => flows.List());
        // A Langflow export with every component's code is large; the rules refuse what is over their own limit.
        seller.MapPost("/flows", UploadFlowAsync).WithMetadata(new RequestSizeLimitAttribute(2L * SellerFlowUpload.MaxBytes));
        return app;
    }

    private static IResult Written(SellerWrite write, bool created) => write switch
    {
        { Errors: { } errors } => GsvProblems.ValidationProblem(errors, "Nothing was saved: check the fields named in 'errors'."),
        { Offering: { } offering } when created => TypedResults.Created($"/seller/v1/offerings/{offering.Slug}", offering),
        { Offering: { } offering } => TypedResults.Ok(offering),
        _ => throw new InvalidOperationException("A seller write has neither an offering nor errors."),
    };

    private static async Task<IResult> UploadFlowAsync(SellerFlowUpload upload, FlowUploads flows, ILogger<FlowUploads> logger, CancellationToken ct)
    {
        try
        {
            return await flows.UploadAsync(upload, ct) switch
            {
                { Errors: { } errors } => GsvProblems.ValidationProblem(errors, "Nothing was kept: check the fields named in 'errors'."),
                { Flow: { } flow } => TypedResults.Created($"/seller/v1/flows/{flow.Name}", flow),
                _ => throw new InvalidOperationException("A flow upload has neither a flow nor errors."),
            };
        }
        catch (Exception e) when (e is HttpRequestException or LangflowException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Langflow could not check an uploaded flow");
            return GsvProblems.Problem(GsvProblems.RuntimeError, StatusCodes.Status503ServiceUnavailable, "Langflow unavailable",
                "Langflow could not check the flow just now; nothing was kept. Try again in a moment.");
        }
    }

    private static IResult NotFound(string slug) => GsvProblems.NotFoundProblem($"Offering '{FreeText.Excerpt(slug)}'");
}
