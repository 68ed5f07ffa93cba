using System.Security.Cryptography;
using System.Text;

namespace Gsv.Emulators.Ragflow;

/// <summary>
/// RAGFlow's API-key check (contract §1): <c>Authorization: Bearer &lt;key&gt;</c>, the <c>Bearer </c> prefix optional,
/// the key equal to the configured <c>RAGFLOW_API_KEY</c> (the AppHost's <c>ragflow-api-key</c> parameter). A
/// missing or wrong key is HTTP 401 <c>{"code":401,"message":"&lt;Unauthorized '401: Unauthorized'&gt;","data":null}</c>.
/// All calls with the key act as the one tenant of <see cref="Store.RagflowStore.TenantId"/>.
/// </summary>
public sealed class RagflowApiKeyFilter(IConfiguration configuration, ILogger<RagflowApiKeyFilter> logger) : IEndpointFilter
{
    public const string ConfigurationKey = "RAGFLOW_API_KEY";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var supplied = SuppliedKey(context.HttpContext.Request.Headers.Authorization.FirstOrDefault());
        var expected = configuration[ConfigurationKey];
        if (string.IsNullOrEmpty(supplied) || string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(supplied), Encoding.UTF8.GetBytes(expected)))
        {
            logger.LogInformation("RAGFlow request {Method} {Path} without a valid API key",
                context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return RagflowEnvelope.Json(RagflowEnvelope.Unauthorized(), StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }

    /// <summary>The token of an <c>Authorization</c> header: after <c>Bearer </c> when present, else the whole value.</summary>
    public static string? SuppliedKey(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        var value = authorization.Trim();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : value;
    }
}
