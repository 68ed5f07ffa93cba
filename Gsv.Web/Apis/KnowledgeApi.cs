using Gsv.ControlPlane.Client;
using Gsv.Web.Account;
using Gsv.Web.Commerce;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.Web.Apis;

/// <summary>
/// The knowledge tab's form posts (static SSR Blazor forms do not bind files): an upload of documents and the delete
/// of one. Each forwards to the Control Plane with the signed-in buyer's token and redirects back to the tab
/// (post/redirect/get) with its outcome in the query: <c>?uploaded=2</c>, <c>?error=too_large&amp;file=big.pdf</c>,
/// <c>?deleted=notes.md</c>, <c>?notdeleted=notes.md</c>.
/// </summary>
public static class KnowledgeApi
{
    private const string LoggerName = "Gsv.Web.Apis.KnowledgeApi";

    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var knowledge = app.MapGroup("/account/instances/{id:guid}/knowledge/documents").RequireAuthorization();

        // The form is read here, not bound: a body over the limit then becomes a notice, not a 413 page. The Blazor
        // antiforgery token of the form is validated by hand, after the size check, for the same reason.
        knowledge.MapPost("", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(KnowledgeText.UploadBodyLimit));

        // The [FromForm] parameter makes the antiforgery token required.
        knowledge.MapPost("/{documentId}/delete", DeleteAsync);
        return app;
    }

    private static async Task<IResult> UploadAsync(
        Guid id, HttpContext context, BuyerAccount account, IAntiforgery antiforgery, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(LoggerName);
        var request = context.Request;
        if (request.ContentLength > KnowledgeText.UploadBodyLimit)
        {
            return Refused(id, KnowledgeUploadErrors.TooLarge, null, logger);
        }

        if (!request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } or InvalidDataException)
        {
            return Refused(id, KnowledgeUploadErrors.TooLarge, null, logger);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException e)
        {
            logger.LogInformation(e, "A knowledge upload to {InstanceId} came without a valid antiforgery token", id);
            return Refused(id, KnowledgeUploadErrors.Expired, null, logger);
        }

        if (Check(form.Files) is { } refusal)
        {
            return Refused(id, refusal.Code, refusal.File, logger);
        }

        var files = new List<(string FileName, byte[] Content)>(form.Files.Count);
        foreach (var file in form.Files)
        {
            var content = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(content, cancellationToken);
            files.Add((file.FileName, content));
        }

        try
        {
            var documents = await account.UploadKnowledgeAsync(id, files, cancellationToken);
            logger.LogInformation("The buyer uploaded {Count} documents to the knowledge of {InstanceId}", documents.Count, id);
            return Results.LocalRedirect($"{TabPath(id)}?uploaded={documents.Count}");
        }
        catch (ControlPlaneProblemException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return Results.LocalRedirect(TabPath(id));
        }
        catch (ControlPlaneProblemException e)
        {
            logger.LogInformation("The Control Plane refused a knowledge upload to {InstanceId}: {Code} {Detail}", id, e.Code, e.Detail);
            return Refused(id, KnowledgeUploadErrors.Of(e), null, logger);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "A knowledge upload to {InstanceId} did not reach the Control Plane", id);
            return Refused(id, KnowledgeUploadErrors.Unavailable, null, logger);
        }
    }

    private static async Task<IResult> DeleteAsync(
        Guid id, string documentId, [FromForm] string? name, BuyerAccount account, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(LoggerName);
        var shown = Uri.EscapeDataString(Shorten(string.IsNullOrWhiteSpace(name) ? "The document" : name));
        if (documentId.Length > 200)
        {
            return Results.LocalRedirect($"{TabPath(id)}?notdeleted={shown}");
        }

        try
        {
            await account.DeleteKnowledgeAsync(id, documentId, cancellationToken);
            logger.LogInformation("The buyer deleted the knowledge document {DocumentId} of {InstanceId}", documentId, id);
        }
        catch (ControlPlaneProblemException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone (deleted in another tab): what the buyer wanted.
        }
        catch (Exception e) when (e is ControlPlaneProblemException or HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException
            && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "The knowledge document {DocumentId} of {InstanceId} could not be deleted", documentId, id);
            return Results.LocalRedirect($"{TabPath(id)}?notdeleted={shown}");
        }

        return Results.LocalRedirect($"{TabPath(id)}?deleted={shown}");
    }

    /// <summary>The refusals the web app makes itself, before anything is sent (the Control Plane makes them again).</summary>
    public static (string Code, string? File)? Check(IFormFileCollection files) =>
        KnowledgeLimits.Check([.. files.Select(f => (f.FileName, f.Length))]) is not var (refusal, file) ? null
        : (refusal switch
        {
            KnowledgeUploadRefusal.NoFiles => KnowledgeUploadErrors.NoFiles,
            KnowledgeUploadRefusal.TooMany => KnowledgeUploadErrors.TooMany,
            KnowledgeUploadRefusal.InvalidName => KnowledgeUploadErrors.Invalid,
            KnowledgeUploadRefusal.TooLarge => KnowledgeUploadErrors.TooLarge,
            KnowledgeUploadRefusal.Unsupported => KnowledgeUploadErrors.Unsupported,
            _ => KnowledgeUploadErrors.Empty,
        }, file);

    private static IResult Refused(Guid id, string code, string? file, ILogger logger)
    {
        logger.LogInformation("A knowledge upload to {InstanceId} was refused: {Code}", id, code);
        var query = $"?error={code}" + (file is null ? "" : $"&file={Uri.EscapeDataString(Shorten(file))}");
        return Results.LocalRedirect(TabPath(id) + query);
    }

    private static string TabPath(Guid id) => $"/account/instances/{id}/knowledge";

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
