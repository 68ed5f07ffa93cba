namespace Gsv.Emulators.Ragflow;

/// <summary>
/// Turns a <see cref="RagflowException"/> into RAGFlow's error envelope on HTTP 200, and anything unexpected into
/// code 100 (<c>EXCEPTION_ERROR</c>, the exception's text as message), as RAGFlow's <c>server_error_response</c> does.
/// </summary>
public sealed class RagflowErrorFilter(ILogger<RagflowErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RagflowException refused)
        {
            logger.LogInformation("RAGFlow request {Method} {Path} refused with code {Code}: {Message}",
                context.HttpContext.Request.Method, context.HttpContext.Request.Path, refused.Code, refused.Message);
            return RagflowEnvelope.Json(RagflowEnvelope.Error(refused.Code, refused.Message, refused.Payload));
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            logger.LogError(failure, "RAGFlow request {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return RagflowEnvelope.Json(RagflowEnvelope.Error(RagflowCodes.ExceptionError, failure.Message));
        }
    }
}
