using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Observability;
using Gsv.Gateway.Problems;
using Gsv.Gateway.Runs;
using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.Gateway.Apis;

public static class RunsApi
{
    private static readonly TimeSpan SettlementWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>POST /v1/instances/{instanceId}/runs[?stream=true]</c> and <c>GET /v1/runs/{runId}</c>, for a Keycloak user of the
    /// instance's workspace or the instance's API key.
    /// </summary>
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("Runs").RequireAuthorization(GatewayAuthenticationExtensions.RunPolicy);
        api.MapPost("/instances/{instanceId:guid}/runs", StartRunAsync)
            .Accepts<RunRequestBody>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(RunRequestReader.MaxBodyBytes))
            .Produces<RunResultBody>()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        api.MapGet("/runs/{runId:guid}", GetRunAsync)
            .Produces<RunDto>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task StartRunAsync(Guid instanceId, HttpContext context, RunAdmission admission, RunExecutor executor)
    {
        var timing = ServerTiming.Start();
        // Parent of the Control Plane and Langflow client spans of this run (tags: run, instance, workspace).
        using var activity = GatewayTelemetry.Source.StartActivity("gateway.run");
        if (ReadStream(context.Request.Query) is not { } stream)
        {
            await GsvProblems.Invalid("stream", "stream must be true or false, given once.").ExecuteAsync(context);
            return;
        }

        activity?.SetTag("gsv.run.streamed", stream);
        var read = await RunRequestReader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Problem is { } unreadable)
        {
            await unreadable.ExecuteAsync(context);
            return;
        }

        var body = read.Body!;
        if (body.Validate() is { } errors)
        {
            await GsvProblems.ValidationProblem(errors).ExecuteAsync(context);
            return;
        }

        switch (await admission.AdmitAsync(context, instanceId, body, timing))
        {
            case Admission.Refused refused:
                await refused.Problem.ExecuteAsync(context);
                break;
            case Admission.Replayed replayed:
                await RunExecutor.ReplayAsync(context, replayed.Result, stream);
                break;
            case Admission.Admitted { Run: var run } when stream:
                await executor.StreamAsync(context, run, body, timing);
                break;
            case Admission.Admitted { Run: var run }:
                await (await executor.RunAsync(context, run, body, timing)).ExecuteAsync(context);
                break;
        }
    }

    /// <summary><c>?stream=</c>: absent or false → false, true → true (any case); anything else (or given twice) → null.</summary>
    private static bool? ReadStream(IQueryCollection query)
    {
        if (!query.TryGetValue("stream", out var values))
        {
            return false;
        }

        return values.Count == 1 && bool.TryParse(values[0], out var stream) ? stream : null;
    }

    private static async Task<IResult> GetRunAsync(
        Guid runId, HttpContext context, ControlPlaneClient controlPlane, ControlPlaneUserClient userControlPlane, CreditBatcher credits)
    {
        // A run answered by this gateway moments ago may still be settling (recorded with its capture): wait for it.
        await credits.WhenSettledAsync(runId, SettlementWait);
        RunDto? run = null;
        switch (RunCaller.From(context))
        {
            case RunCaller.ApiKey key:
                // A key sees the runs of its own instance only.
                run = await controlPlane.GetRunAsync(runId, context.RequestAborted);
                run = run?.InstanceId == key.InstanceId ? run : null;
                break;
            case RunCaller.User user:
                try
                {
                    run = await userControlPlane.GetRunAsync(user.Token, runId, context.RequestAborted);
                }
                catch (ControlPlaneProblemException refused) when (refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                {
                    return RunAdmission.Forbidden();
                }

                break;
        }

        return run is null ? GsvProblems.NotFoundProblem($"Run {runId}") : TypedResults.Ok(run);
    }
}
