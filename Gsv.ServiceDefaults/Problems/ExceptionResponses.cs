using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.ServiceDefaults.Problems;

/// <summary>
/// What a client gets for an unhandled exception, in every environment: the status and a title, never the exception,
/// its stack or the request's headers (the developer exception page shows all three, Cookie included).
/// </summary>
public static class ExceptionResponses
{
    /// <summary>A request the server could not read (bad form, antiforgery, body too large) keeps its 4xx; the rest is a 500.</summary>
    public static int StatusCodeFor(Exception exception) =>
        exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    /// <summary>Problem details when the client takes JSON, else a line of plain text.</summary>
    public static async Task WriteAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var status = exception is null ? StatusCodes.Status500InternalServerError : StatusCodeFor(exception);
        var title = status < 500 ? "The request could not be read." : "An error occurred while processing the request.";
        var code = status < 500 ? "bad_request" : "internal_error";
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is not null && await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Title = title, Type = GsvProblems.TypeBase + code, Extensions = { ["code"] = code } },
            }))
        {
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(title);
    }

    /// <summary><c>UseExceptionHandler</c> with <see cref="WriteAsync"/>: put first, so nothing reaches the developer exception page.</summary>
    public static IApplicationBuilder UseSafeExceptionResponses(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteAsync, StatusCodeSelector = StatusCodeFor });
}
