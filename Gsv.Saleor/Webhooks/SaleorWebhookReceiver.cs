using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gsv.Saleor.Webhooks;

/// <summary>A webhook body proven to come from the configured Saleor, with the event it names (<c>Saleor-Event</c>, lower case).</summary>
public sealed record SaleorWebhookDelivery(string EventType, byte[] Body);

/// <summary>Either the verified delivery or the problem to answer with (the request then changes nothing).</summary>
public sealed record SaleorWebhookReceipt(SaleorWebhookDelivery? Delivery, IResult? Problem);

/// <summary>
/// What every GSV endpoint that takes Saleor webhooks does first: read the raw body (the signature covers those exact
/// bytes; at most <see cref="MaxBodyBytes"/> → 413), require <c>Saleor-Api-Url</c> to name the configured Saleor and
/// <c>Saleor-Signature</c> to be its detached JWS over the body (else 401). The event header is not signed: callers
/// check the payload, not only the header.
/// </summary>
public sealed partial class SaleorWebhookReceiver(SaleorWebhookVerifier verifier, IOptions<SaleorOptions> saleor, ILogger<SaleorWebhookReceiver> logger)
{
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<SaleorWebhookReceipt> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Refused(GsvProblems.PayloadTooLargeProblem(MaxBodyBytes));
        }

        var apiUrl = request.Headers["Saleor-Api-Url"].ToString();
        if (!IsConfiguredSaleor(apiUrl, saleor.Value.ApiUrl))
        {
            LogRejected(logger, request.Path, "foreign Saleor-Api-Url", apiUrl);
            return Refused(Unauthorized("The webhook does not come from the configured Saleor."));
        }

        var verification = await verifier.VerifyAsync(request.Headers["Saleor-Signature"].ToString(), body, cancellationToken);
        if (verification != SignatureVerification.Valid)
        {
            LogRejected(logger, request.Path, $"signature {verification}", apiUrl);
            return Refused(Unauthorized($"The Saleor-Signature is {verification.ToString().ToLowerInvariant()}."));
        }

        return new SaleorWebhookReceipt(new SaleorWebhookDelivery(request.Headers["Saleor-Event"].ToString().ToLowerInvariant(), body), null);
    }

    /// <summary>True when <paramref name="header"/> (<c>Saleor-Api-Url</c>) is the configured API URL (trailing slash and case aside).</summary>
    public static bool IsConfiguredSaleor(string header, Uri? configured) =>
        configured is not null && Uri.TryCreate(header, UriKind.Absolute, out var received)
        && Uri.Compare(Normalize(received), Normalize(configured), UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static Uri Normalize(Uri uri) => uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");

    /// <summary>The raw bytes as received; null when larger than the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static SaleorWebhookReceipt Refused(IResult problem) => new(null, problem);

    private static IResult Unauthorized(string detail) =>
        GsvProblems.Problem(GsvProblems.Unauthorized, StatusCodes.Status401Unauthorized, "Webhook not verified", detail);

    [LoggerMessage(LogLevel.Warning, "Rejected a Saleor webhook to {Path} ({Reason}; Saleor-Api-Url '{ApiUrl}')")]
    private static partial void LogRejected(ILogger logger, string path, string reason, string apiUrl);
}
