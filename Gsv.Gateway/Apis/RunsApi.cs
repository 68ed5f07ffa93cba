using Gsv.ControlPlane.Client;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Observability;
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
            .Produces<RunResultBody>()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        api.MapGet("/runs/{runId:guid}", GetRunAsync)
            .Produces<RunDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task StartRunAsync(
        Guid instanceId, [FromQuery] bool? stream, [FromBody] RunRequestBody? body, HttpContext context, RunAdmission admission, RunExecutor executor)
    {
        var timing = ServerTiming.Start();
        // Parent of the Control Plane and Langflow client spans of this run (tags: run, instance, workspace).
        using var activity = GatewayTelemetry.Source.StartActivity("gateway.run");
        activity?.SetTag("gsv.run.streamed", stream == true);
        var errors = body is null ? new() { ["body"] = ["A JSON body with an input is required."] } : body.Validate();
        if (errors is not null)
        {
            await GsvProblems.ValidationProblem(errors).ExecuteAsync(context);
            return;
        }

        var admitted = await admission.AdmitAsync(context, instanceId, timing);
        if (admitted.Refusal is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        if (admitted.Replay is { } replay)
        {
            await RunExecutor.ReplayAsync(context, replay, stream == true);
            return;
        }

        if (stream == true)
        {
            await executor.StreamAsync(context, admitted.Run!, body!, timing);
            return;
        }

        await (await executor.RunAsync(context, admitted.Run!, body!, timing)).ExecuteAsync(context);
    }

    private static async Task<IResult> GetRunAsync(
        Guid runId, HttpContext context, ControlPlaneClient controlPlane, ControlPlaneUserClient userControlPlane, CreditBatcher credits)
    {
        // A run answered by this gateway moments ago may still be settling (recorded with its capture): wait for it.
        await credits.WhenSettledAsync(runId, SettlementWait);
        var caller = RunCaller.From(context);
        RunDto? run;
        if (caller.IsApiKey)
        {
            // A key sees the runs of its own instance only.
            run = await controlPlane.GetRunAsync(runId, context.RequestAborted);
            run = run?.InstanceId == caller.KeyInstanceId ? run : null;
        }
        else
        {
            run = caller.UserToken is null ? null : await userControlPlane.GetRunAsync(caller.UserToken, runId, context.RequestAborted);
        }

        return run is null ? GsvProblems.NotFoundProblem($"Run {runId}") : TypedResults.Ok(run);
    }
}
