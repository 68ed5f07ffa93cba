using System.Diagnostics;
using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Idempotency;
using Gsv.Gateway.Instances;
using Gsv.Gateway.Observability;
using Gsv.Gateway.Problems;
using Gsv.Gateway.RateLimiting;
using Gsv.ServiceDefaults.Problems;

namespace Gsv.Gateway.Runs;

/// <summary>
/// A run that passed every check and holds its credits (<c>Credits</c>; null for a free run): it may now go to the runtime.
/// <c>Idempotent</c> is its claimed <c>Idempotency-Key</c>, if it was sent with one.
/// </summary>
public sealed record AdmittedRun(
    Guid RunId, InstanceDto Instance, string FlowId, RunCaller Caller, long Amount, CreditHold? Credits, DateTimeOffset StartedAt,
    IdempotentRequest? Idempotent);

/// <summary>What admission decided: run it, replay a stored result (same <c>Idempotency-Key</c>), or refuse.</summary>
public abstract record Admission
{
    private Admission()
    {
    }

    public sealed record Admitted(AdmittedRun Run) : Admission;

    public sealed record Replayed(byte[] Result) : Admission;

    public sealed record Refused(IResult Problem) : Admission;
}

/// <summary>
/// The checks before a run, cheapest first: who may see the instance (else 404; 403 when the Control Plane refuses
/// the caller's token), its flow template (503 while an uploaded one cannot be read), its tweaks (400), the workspace's
/// rate limit (429), the instance's state and trial (409), its connectors (409 <c>connector_required</c> while one its
/// offering needs is not bound), the idempotency key (replay, or 422 when used for another request), then the credit
/// hold (402). Nothing is charged here.
/// </summary>
public sealed partial class RunAdmission(
    InstanceDirectory instances,
    WorkspaceRateLimiter rateLimiter,
    IdempotencyStore idempotency,
    FlowTemplateCatalog templates,
    TweakPolicy tweaks,
    CreditReserve credits,
    ControlPlaneClient controlPlane,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<RunAdmission> logger)
{
    public async Task<Admission> AdmitAsync(HttpContext context, Guid instanceId, RunRequestBody body, ServerTiming timing)
    {
        var caller = RunCaller.From(context);
        var since = timing.Begin();
        InstanceDto? instance;
        try
        {
            instance = await instances.FindForCallerAsync(caller, instanceId);
        }
        catch (ControlPlaneProblemException refused)
            when (caller is RunCaller.User && refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            // The user's token is valid here but the Control Plane does not let it see instances (e.g. not a buyer's).
            // (Refused with the gateway's own token, for an API key, it stays a server error.)
            return Refuse(Forbidden());
        }
        finally
        {
            timing.AddControlPlane(since);
        }

        if (instance is null)
        {
            return Refuse(GsvProblems.NotFoundProblem($"Instance {instanceId}"));
        }

        if (!await templates.LoadAsync(instance.FlowTemplate, context.RequestAborted))
        {
            return Refuse(GsvProblems.Problem(GatewayProblems.FlowTemplateUnavailable, StatusCodes.Status503ServiceUnavailable, "Flow template unavailable",
                $"The flow template of instance {instanceId} could not be read just now; nothing was charged. Retry in a moment."));
        }

        if (tweaks.Check(instance.FlowTemplate, body.Tweaks) is { } tweakRefused)
        {
            return Refuse(tweakRefused);
        }

        var decision = await rateLimiter.AcquireAsync(instance.WorkspaceId);
        WorkspaceRateLimiter.WriteHeaders(context.Response, decision);
        if (!decision.Allowed)
        {
            metrics.RateLimited();
            return Refuse(GsvProblems.Problem(GsvProblems.RateLimited, StatusCodes.Status429TooManyRequests, "Too many runs",
                $"The workspace may start {decision.Limit} runs per minute; retry in {decision.ResetSeconds} s."));
        }

        if (instance.State != InstanceState.Active)
        {
            return Refuse(GsvProblems.Problem(GsvProblems.InstanceNotActive, StatusCodes.Status409Conflict, "Instance not active",
                $"Instance {instanceId} is {instance.State.ToString().ToUpperInvariant()}; only ACTIVE instances run.",
                new Dictionary<string, object?> { ["state"] = instance.State.ToString().ToUpperInvariant() }));
        }

        if (instance.IsTrial && instance.TrialExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            return Refuse(GsvProblems.Problem(GsvProblems.TrialExpired, StatusCodes.Status409Conflict, "Trial expired",
                $"The trial of instance {instanceId} ended at {expiresAt:O}.", new Dictionary<string, object?> { ["trialExpiresAt"] = expiresAt }));
        }

        if (string.IsNullOrEmpty(instance.LangflowFlowId))
        {
            return Refuse(GsvProblems.Problem(GsvProblems.InstanceNotActive, StatusCodes.Status409Conflict, "Instance not active",
                $"Instance {instanceId} has no deployed flow."));
        }

        if (instance.Connectors.Count > 0 && await MissingConnectorsAsync(instance, timing) is { Count: > 0 } missing)
        {
            return Refuse(GsvProblems.Problem(GsvProblems.ConnectorRequired, StatusCodes.Status409Conflict, "Connector required",
                $"Instance {instanceId} needs {string.Join(", ", missing)} connected before it can run; connect {(missing.Count == 1 ? "it" : "them")} on the instance's Connect page.",
                new Dictionary<string, object?> { ["missingConnectors"] = missing }));
        }

        // The run's id is given now: a run with an Idempotency-Key claims the key under it, and its credits are held
        // (or its share of those held ahead taken) under it.
        var runId = Guid.CreateVersion7();
        IdempotentRequest? idempotent = null;
        if (context.Request.Headers.TryGetValue(IdempotencyStore.HeaderName, out var header))
        {
            var key = header.ToString();
            if (key.Length is 0 or > IdempotencyStore.MaxKeyLength || key.Any(char.IsControl))
            {
                return Refuse(GsvProblems.Invalid(
                    IdempotencyStore.HeaderName, $"The Idempotency-Key must have 1 to {IdempotencyStore.MaxKeyLength} printable characters."));
            }

            idempotent = new IdempotentRequest(IdempotencyStore.KeyOf(instanceId, key), body.Fingerprint(instanceId));
            switch (await idempotency.BeginAsync(idempotent, runId, context.RequestAborted))
            {
                case IdempotencyClaim.Completed completed:
                    return new Admission.Replayed(completed.Result);
                case IdempotencyClaim.Reused:
                    return Refuse(GsvProblems.Problem(GatewayProblems.IdempotencyKeyReused, StatusCodes.Status422UnprocessableEntity,
                        "Idempotency-Key reused", "This Idempotency-Key was used for another request; use a new key for a new request."));
                case IdempotencyClaim.InProgress:
                    return Refuse(GsvProblems.Problem(GsvProblems.Conflict, StatusCodes.Status409Conflict, "Run in progress",
                        "A run with this Idempotency-Key is still in progress; retry later."));
                case IdempotencyClaim.Started:
                    break;
            }
        }

        var amount = instance.CreditsPerRun;
        CreditHold? hold = null;
        if (amount > 0)
        {
            since = timing.Begin();
            try
            {
                hold = await credits.HoldAsync(instance, runId);
            }
            catch
            {
                await AbandonAsync(idempotent, runId);
                throw;
            }
            finally
            {
                timing.AddControlPlane(since);
            }

            if (!hold.Held)
            {
                await AbandonAsync(idempotent, runId);
                if (hold.Outcome != CreditOutcome.InsufficientCredits)
                {
                    throw new InvalidOperationException($"The Control Plane refused the hold of run {runId} ({hold.Outcome}): {hold.Detail}");
                }

                metrics.InsufficientCredits();
                var (balance, available) = (hold.Wallet?.Balance ?? 0, hold.Wallet?.Available ?? 0);
                LogInsufficientCredits(logger, instance.Id, available, amount);
                return Refuse(GsvProblems.Problem(GsvProblems.InsufficientCredits, StatusCodes.Status402PaymentRequired, "Insufficient credits",
                    $"A run of this instance costs {amount} credits; the workspace has {available} available.",
                    new Dictionary<string, object?> { ["balance"] = balance, ["available"] = available, ["required"] = amount }));
            }
        }

        Activity.Current?.SetTag("gsv.run.id", runId);
        Activity.Current?.SetTag("gsv.instance.id", instance.Id);
        Activity.Current?.SetTag("gsv.workspace.id", instance.WorkspaceId);
        return new Admission.Admitted(new AdmittedRun(runId, instance, instance.LangflowFlowId, caller, amount, hold, time.GetUtcNow(), idempotent));
    }

    /// <summary>
    /// The connectors the instance's offering needs that are not bound, read on every run (not cached): a revoke stops
    /// the next run at once.
    /// </summary>
    private async Task<IReadOnlyList<string>> MissingConnectorsAsync(InstanceDto instance, ServerTiming timing)
    {
        var since = timing.Begin();
        try
        {
            return (await controlPlane.GetInstanceToolsAsync(instance.Id, CancellationToken.None))?.MissingConnectors ?? instance.Connectors;
        }
        finally
        {
            timing.AddControlPlane(since);
        }
    }

    /// <summary>403: the caller's token is valid, but the Control Plane refuses it (answered 401 or 403 to it).</summary>
    public static IResult Forbidden() =>
        GsvProblems.Problem(GsvProblems.Forbidden, StatusCodes.Status403Forbidden, "Forbidden",
            "The Control Plane does not accept this token for workspaces and instances (a buyer's token or the instance's API key is needed).");

    private static Admission Refuse(IResult problem) => new Admission.Refused(problem);

    private async Task AbandonAsync(IdempotentRequest? idempotent, Guid runId)
    {
        if (idempotent is not null)
        {
            await idempotency.AbandonAsync(idempotent, runId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run of instance {InstanceId} refused: {Available} credits available, {Required} required")]
    private static partial void LogInsufficientCredits(ILogger logger, Guid instanceId, long available, long required);
}
