using Microsoft.Extensions.Options;

namespace Gsv.Langflow;

/// <summary>Adds <c>x-api-key</c> from <c>Langflow:ApiKey</c> to every request (read per request, so a rotated key applies).</summary>
public sealed class LangflowApiKeyHandler(IOptionsMonitor<LangflowOptions> options) : DelegatingHandler
{
    public const string HeaderName = "x-api-key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = options.CurrentValue.ApiKey;
        if (!string.IsNullOrEmpty(key) && !request.Headers.Contains(HeaderName))
        {
            request.Headers.TryAddWithoutValidation(HeaderName, key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
