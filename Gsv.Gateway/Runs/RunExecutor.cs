using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Connectors;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Idempotency;
using Gsv.Gateway.Knowledge;
using Gsv.Gateway.Observability;
using Gsv.Langflow;
using Gsv.Ragflow;
using Gsv.ServiceDefaults.Problems;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Runs;

/// <summary>
/// Runs an admitted run on Langflow and settles its hold exactly once: captured when the runtime answered, or when a
/// streamed run had delivered output to the caller before it failed, timed out or the caller went away (its full
/// price: what was delivered cannot be taken back); released (no charge) when nothing was delivered. Settlement and
/// run records never depend on the caller still being connected.
/// </summary>
public sealed partial class RunExecutor(
    LangflowClient langflow,
    KnowledgeRetriever knowledge,
    RunTools tools,
    CreditReserve credits,
    ControlPlaneClient controlPlane,
    IdempotencyStore idempotency,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<RunExecutor> logger)
{
    private readonly TimeSpan _timeout = options.Value.RuntimeTimeout;

    /// <summary>Plain run: the answer as JSON (UTF-8), or a 502 <c>runtime_error</c> problem.</summary>
    public async Task<IResult> RunAsync(HttpContext context, AdmittedRun run, RunRequestBody body, ServerTiming timing)
    {
        var (passages, refusal) = await RetrieveAsync(context, run, body, timing, streamed: false);
        if (refusal is not null)
        {
            return refusal;
        }

        RunResponse response;
        var since = timing.Begin();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            timeout.CancelAfter(_timeout);
            try
            {
                response = await langflow.RunAsync(run.FlowId, ToLangflow(run, body, passages), timeout.Token);
            }
            catch (Exception exception)
            {
                timing.AddRuntime(since);
                var reason = FailureReason(exception, context.RequestAborted);
                await FailAsync(run, reason, exception.Message, streamed: false, timing);
                return RuntimeError(context, run, Describe(reason, exception));
            }
        }

        timing.AddRuntime(since);
        var result = await SucceedAsync(run, response.Text, response.SessionId, response.Usage, passages, streamed: false, timing);
        context.Response.Headers["Server-Timing"] = timing.Header();
        return Results.Bytes(result, "application/json");
    }

    /// <summary>
    /// Streamed run: Langflow's events become Server-Sent Events — <c>run</c> (run id), <c>token</c> per chunk, then
    /// <c>done</c> (the same body as a plain run, credits settled) or <c>error</c>. A failure before the first event is
    /// answered as a plain 502 problem.
    /// </summary>
    public async Task StreamAsync(HttpContext context, AdmittedRun run, RunRequestBody body, ServerTiming timing)
    {
        var (passages, refusal) = await RetrieveAsync(context, run, body, timing, streamed: true);
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(_timeout);
        var since = timing.Begin();
        await using var events = langflow.StreamAsync(run.FlowId, ToLangflow(run, body, passages), timeout.Token).GetAsyncEnumerator(timeout.Token);

        bool any;
        try
        {
            any = await events.MoveNextAsync();
        }
        catch (Exception exception)
        {
            timing.AddRuntime(since);
            var reason = FailureReason(exception, context.RequestAborted);
            await FailAsync(run, reason, exception.Message, streamed: true, timing);
            await RuntimeError(context, run, Describe(reason, exception)).ExecuteAsync(context);
            return;
        }

        var sse = new ServerSentEvents(context.Response);
        context.Response.Headers["Server-Timing"] = timing.Header();
        string? failure = null, reasonCode = null;
        RunResponse? end = null;
        var delivered = false;
        try
        {
            await sse.StartAsync(context.RequestAborted);
            await sse.WriteAsync("run", new RunStartedEvent(run.RunId, run.Instance.Id), GatewayJsonContext.Default.RunStartedEvent, context.RequestAborted);
            while (any)
            {
                switch (events.Current)
                {
                    case TokenEvent token:
                        await sse.WriteAsync("token", new RunTokenEvent(token.Chunk), GatewayJsonContext.Default.RunTokenEvent, context.RequestAborted);
                        delivered = true;
                        break;
                    case EndEvent ended:
                        end = ended.Result;
                        break;
                    case ErrorEvent error:
                        (failure, reasonCode) = (error.Error, "runtime_error");
                        break;
                }

                if (end is not null || failure is not null)
                {
                    break;
                }

                any = await events.MoveNextAsync();
            }

            if (end is null && failure is null)
            {
                (failure, reasonCode) = ("The runtime closed the stream without a result.", "runtime_error");
            }
        }
        catch (Exception exception)
        {
            reasonCode = FailureReason(exception, context.RequestAborted);
            failure = Describe(reasonCode, exception);
        }

        timing.AddRuntime(since);
        if (end is not null)
        {
            var result = await SucceedAsync(run, end.Text, end.SessionId, end.Usage, passages, streamed: true, timing);
            await TryWriteAsync(() => sse.WriteRawAsync("done", result, context.RequestAborted));
            return;
        }

        if (delivered)
        {
            // Output reached the caller: the run is charged in full although it did not finish.
            failure = (reasonCode is "timeout" or "caller_gone" ? Describe(reasonCode, null, charged: true) : failure)
                + " Output had been delivered: the run was charged.";
            await ChargeDeliveredAsync(run, reasonCode!, failure, timing);
        }
        else
        {
            await FailAsync(run, reasonCode!, failure!, streamed: true, timing);
        }

        if (reasonCode != "caller_gone")
        {
            var problem = new RunErrorEvent(GsvProblems.TypeBase + GsvProblems.RuntimeError, GsvProblems.RuntimeError, "Runtime error",
                StatusCodes.Status502BadGateway, failure!, run.RunId, GatewayTelemetry.CorrelationId(context));
            await TryWriteAsync(() => sse.WriteAsync("error", problem, GatewayJsonContext.Default.RunErrorEvent, context.RequestAborted));
        }
    }

    /// <summary>Writes a stored result again (same <c>Idempotency-Key</c>): plain JSON, or a stream of just its <c>done</c> event.</summary>
    public static async Task ReplayAsync(HttpContext context, byte[] result, bool stream)
    {
        context.Response.Headers["Idempotent-Replayed"] = "true";
        if (!stream)
        {
            await Results.Bytes(result, "application/json").ExecuteAsync(context);
            return;
        }

        var sse = new ServerSentEvents(context.Response);
        await sse.StartAsync(context.RequestAborted);
        await sse.WriteRawAsync("done", result, context.RequestAborted);
    }

    /// <summary>
    /// The passages of the buyer's documents for a knowledge instance (null for others). When they cannot be searched
    /// the run is not started: its hold is released and the caller gets a 503 <c>knowledge_unavailable</c>.
    /// </summary>
    private async Task<(RunContext? Passages, IResult? Refusal)> RetrieveAsync(
        HttpContext context, AdmittedRun run, RunRequestBody body, ServerTiming timing, bool streamed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(_timeout);
        try
        {
            return (await knowledge.RetrieveAsync(run.Instance, body.Input!, timing, timeout.Token), null);
        }
        catch (Exception exception) when (exception is HttpRequestException or RagflowException or OperationCanceledException or TimeoutException)
        {
            var reason = exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested ? "caller_gone" : "knowledge_unavailable";
            await FailAsync(run, reason, $"Knowledge retrieval failed: {exception.Message}", streamed, timing);
            return (null, GsvProblems.Problem(GsvProblems.KnowledgeUnavailable, StatusCodes.Status503ServiceUnavailable, "Knowledge unavailable",
                "The instance's documents could not be searched; the run was not started and not charged. Try again shortly.",
                new Dictionary<string, object?> { ["runId"] = run.RunId, ["correlationId"] = GatewayTelemetry.CorrelationId(context) }));
        }
    }

    /// <summary>
    /// The caller's request for Langflow, plus what the Gateway sets itself: the retrieved passages in the flow's
    /// context field, and the run's MCP server (with its run token) in the flow's MCP Tools field.
    /// </summary>
    private Gsv.Langflow.RunRequest ToLangflow(AdmittedRun run, RunRequestBody body, RunContext? passages)
    {
        var server = tools.ServerFor(run.Instance, run.RunId);
        if (passages is null && server is null)
        {
            return new(body.Input, body.SessionId, body.Tweaks);
        }

        var tweaks = body.Tweaks?.DeepClone().AsObject() ?? [];
        if (passages is not null)
        {
            Field(tweaks, passages.Component)[passages.Field] = passages.Text;
        }

        if (server is not null)
        {
            Field(tweaks, server.Value.Component)[server.Value.Field] = server.Value.Value;
        }

        return new(body.Input, body.SessionId, tweaks);

        static JsonObject Field(JsonObject tweaks, string component) =>
            tweaks[component] as JsonObject ?? (JsonObject)(tweaks[component] = new JsonObject());
    }

    /// <summary>
    /// Hands the capture of the hold and the run record to the background settlement (one batched Control Plane item),
    /// then the answer, with the workspace's credits as they stand once the runs in progress are charged.
    /// </summary>
    private async Task<byte[]> SucceedAsync(
        AdmittedRun run, string? output, string? sessionId, TokenUsage? usage, RunContext? passages, bool streamed, ServerTiming timing)
    {
        var since = timing.Begin();
        var record = Record(run, RunStatus.Succeeded, run.Amount, error: null) with { CitedDocumentIds = passages?.DocumentIds };
        RunCredits runCredits;
        if (run.Credits is { } held)
        {
            credits.Settle(held, capture: true, record);
            var (balance, low) = credits.Projected(run.Instance.WorkspaceId);
            runCredits = new RunCredits(run.Amount, balance, low);
        }
        else
        {
            // A free run holds nothing: it is only recorded.
            var recorded = controlPlane.RecordRunAsync(record, CancellationToken.None);
            var wallet = await controlPlane.GetWalletAsync(run.Instance.WorkspaceId, CancellationToken.None);
            await recorded;
            runCredits = new RunCredits(0, wallet?.Balance ?? 0, wallet?.Low ?? false);
        }

        timing.AddControlPlane(since);

        var body = new RunResultBody(run.RunId, output, sessionId,
            usage is null && passages is null ? null : new RunUsage(usage?.InputTokens, usage?.OutputTokens, usage?.TotalTokens, passages?.ChunksUsed),
            runCredits);
        var json = JsonSerializer.SerializeToUtf8Bytes(body, GatewayJsonContext.Default.RunResultBody);
        if (run.Idempotent is { } idempotent)
        {
            await idempotency.CompleteAsync(idempotent, json);
        }

        metrics.RunSucceeded(runCredits.Charged, streamed, timing.ElapsedMilliseconds);
        return json;
    }

    /// <summary>Releases the hold (no charge) and records the failed run, in the background; frees the idempotency key.</summary>
    private Task FailAsync(AdmittedRun run, string reason, string error, bool streamed, ServerTiming timing)
    {
        LogRunFailed(logger, run.RunId, run.Instance.Id, reason, error);
        metrics.RunFailed(reason, streamed);
        return SettleFailedAsync(run, charged: 0, error, timing);
    }

    /// <summary>
    /// A streamed run that failed after some of its output was delivered: captured in full and recorded as failed with
    /// the price charged. Its idempotency key is freed (there is no whole result to replay).
    /// </summary>
    private Task ChargeDeliveredAsync(AdmittedRun run, string reason, string error, ServerTiming timing)
    {
        LogRunChargedIncomplete(logger, run.RunId, run.Instance.Id, reason, error);
        metrics.RunFailed(reason, streamed: true);
        return SettleFailedAsync(run, charged: run.Amount, error, timing);
    }

    /// <summary>Settles a failed run (captured when <paramref name="charged"/> is its price, released when 0) and frees its key.</summary>
    private async Task SettleFailedAsync(AdmittedRun run, long charged, string error, ServerTiming timing)
    {
        var since = timing.Begin();
        try
        {
            var record = Record(run, RunStatus.Failed, charged, Truncate(error));
            if (run.Credits is { } held)
            {
                credits.Settle(held, capture: charged > 0, record);
            }
            else
            {
                await controlPlane.RecordRunAsync(record, CancellationToken.None);
            }
        }
        finally
        {
            timing.AddControlPlane(since);
            if (run.Idempotent is { } idempotent)
            {
                await idempotency.AbandonAsync(idempotent, run.RunId);
            }
        }
    }

    private RunDto Record(AdmittedRun run, RunStatus status, long charged, string? error)
    {
        var finishedAt = time.GetUtcNow();
        return new RunDto(run.RunId, run.Instance.Id, run.Instance.WorkspaceId, run.Caller.Describe(), status, charged,
            (long)(finishedAt - run.StartedAt).TotalMilliseconds, run.StartedAt, finishedAt, error);
    }

    private static IResult RuntimeError(HttpContext context, AdmittedRun run, string detail) =>
        GsvProblems.Problem(GsvProblems.RuntimeError, StatusCodes.Status502BadGateway, "Runtime error", detail,
            new Dictionary<string, object?> { ["runId"] = run.RunId, ["correlationId"] = GatewayTelemetry.CorrelationId(context) });

    private static string FailureReason(Exception exception, CancellationToken callerAborted) => exception switch
    {
        OperationCanceledException when callerAborted.IsCancellationRequested => "caller_gone",
        OperationCanceledException or TimeoutException => "timeout",
        LangflowException => "runtime_error",
        _ => "runtime_unreachable",
    };

    private string Describe(string reason, Exception? exception, bool charged = false) => reason switch
    {
        "timeout" => $"The runtime did not answer within {_timeout.TotalSeconds:0.#} s; the run was abandoned" + (charged ? "." : " and not charged."),
        "runtime_error" when exception is LangflowException langflowError => $"The runtime failed ({(int)langflowError.StatusCode}): {langflowError.Detail}",
        "caller_gone" => "The caller went away; the run was abandoned" + (charged ? "." : " and not charged."),
        _ => "The runtime could not be reached; the run was not charged.",
    };

    private static async Task TryWriteAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The caller went away after the run settled; nothing left to tell them.
        }
    }

    private static string Truncate(string error) => error.Length <= 1000 ? error : error[..1000];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of instance {InstanceId} failed ({Reason}) after output was delivered, charged: {Error}")]
    private static partial void LogRunChargedIncomplete(ILogger logger, Guid runId, Guid instanceId, string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of instance {InstanceId} failed ({Reason}), hold released: {Error}")]
    private static partial void LogRunFailed(ILogger logger, Guid runId, Guid instanceId, string reason, string error);
}
