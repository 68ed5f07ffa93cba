using System.Security.Cryptography;
using System.Text;

namespace Gsv.Emulators.Langflow;

/// <summary>
/// Langflow's <c>api_key_security</c> with <c>LANGFLOW_AUTO_LOGIN=false</c> and <c>LANGFLOW_API_KEY_SOURCE=env</c>:
/// the key comes from the <c>x-api-key</c> header or query parameter and must equal <c>LANGFLOW_API_KEY</c>.
/// Failures are 403 with Langflow's texts. A Bearer token alone is checked as a JWT; this emulator issues none,
/// so it is always rejected like an invalid one (401).
/// </summary>
public sealed class LangflowApiKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string HeaderName = "x-api-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var supplied = request.Headers[HeaderName].FirstOrDefault() is { Length: > 0 } header
            ? header
            : request.Query[HeaderName].FirstOrDefault();

        if (string.IsNullOrEmpty(supplied))
        {
            if (request.Headers.Authorization.FirstOrDefault() is { } authorization
                && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return LangflowErrors.Detail(StatusCodes.Status401Unauthorized, "Could not validate credentials");
            }

            return LangflowErrors.Detail(StatusCodes.Status403Forbidden, LangflowErrors.ApiKeyRequired);
        }

        var expected = configuration["LANGFLOW_API_KEY"];
        if (string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(supplied), Encoding.UTF8.GetBytes(expected)))
        {
            return LangflowErrors.Detail(StatusCodes.Status403Forbidden, LangflowErrors.InvalidApiKey);
        }

        return await next(context);
    }
}
