using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Gsv.Ragflow;

/// <summary>Adds <c>Authorization: Bearer</c> from <c>Ragflow:ApiKey</c> to every request (read per request, so a rotated key applies).</summary>
public sealed class RagflowApiKeyHandler(IOptionsMonitor<RagflowOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.ApiKey is { Length: > 0 } key && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
