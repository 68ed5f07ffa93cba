using System.Net.Http.Headers;
using System.Net.Http.Json;
using static Gsv.ControlPlane.Client.ControlPlaneHttp;

namespace Gsv.ControlPlane.Client;

/// <summary>
/// The seller console's API (the Provisioner's <c>/seller/v1</c>) on behalf of a user: every call forwards that user's
/// access token; a user without the <c>gsv-admin</c> role gets <see cref="ControlPlaneProblemException"/> with status 403.
/// </summary>
public sealed class SellerClient(HttpClient http)
{
    /// <summary>The Aspire resource name (service discovery) of the Provisioner.</summary>
    public const string BaseAddress = "https+http://provisioner";

    private const string Base = "seller/v1/";

    public Task<List<SellerOfferingDto>> ListOfferingsAsync(string userToken, CancellationToken cancellationToken = default) =>
        SendAsync<List<SellerOfferingDto>>(HttpMethod.Get, userToken, "offerings", null, cancellationToken);

    /// <summary>One offering; null when Saleor has no GSV product with that slug.</summary>
    public async Task<SellerOfferingDto?> GetOfferingAsync(string userToken, string slug, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, userToken, $"offerings/{Uri.EscapeDataString(slug)}");
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadOrNullAsync<SellerOfferingDto>(response, cancellationToken);
    }

    public Task<SellerOptionsDto> GetOptionsAsync(string userToken, CancellationToken cancellationToken = default) =>
        SendAsync<SellerOptionsDto>(HttpMethod.Get, userToken, "options", null, cancellationToken);

    /// <summary>Creates the offering, not yet published.</summary>
    public Task<SellerOfferingDto> CreateOfferingAsync(string userToken, SellerOfferingInput input, CancellationToken cancellationToken = default) =>
        SendAsync<SellerOfferingDto>(HttpMethod.Post, userToken, "offerings", input, cancellationToken);

    public Task<SellerOfferingDto> UpdateOfferingAsync(string userToken, string slug, SellerOfferingInput input, CancellationToken cancellationToken = default) =>
        SendAsync<SellerOfferingDto>(HttpMethod.Put, userToken, $"offerings/{Uri.EscapeDataString(slug)}", input, cancellationToken);

    /// <summary>Shows (true) or hides (false) the offering in the channel: the marketplace lists it, and buyers may buy it.</summary>
    public Task<SellerOfferingDto> SetPublishedAsync(string userToken, string slug, bool published, CancellationToken cancellationToken = default) =>
        SendAsync<SellerOfferingDto>(HttpMethod.Post, userToken, $"offerings/{Uri.EscapeDataString(slug)}/{(published ? "publish" : "unpublish")}", null, cancellationToken);

    /// <summary>The flow templates offerings may run, GSV's and those sellers uploaded.</summary>
    public Task<List<SellerFlowDto>> ListFlowsAsync(string userToken, CancellationToken cancellationToken = default) =>
        SendAsync<List<SellerFlowDto>>(HttpMethod.Get, userToken, "flows", null, cancellationToken);

    /// <summary>Adds a Langflow export as a new flow template, once Langflow accepted it.</summary>
    public Task<SellerFlowDto> UploadFlowAsync(string userToken, SellerFlowUpload upload, CancellationToken cancellationToken = default) =>
        SendAsync<SellerFlowDto>(HttpMethod.Post, userToken, "flows", upload, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string userToken, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, userToken, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static HttpRequestMessage Request(HttpMethod method, string userToken, string path) =>
        new(method, Base + path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", userToken) } };
}
