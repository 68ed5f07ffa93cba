using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// What the Gateway's MCP endpoint asks for an instance's run: the tools it may call now, and a call. Every call reads
/// the binding again — a revoked connector or a tool taken off the allow-list is refused from that moment, even in an
/// MCP session opened before — and is audited (instance, tool, outcome, duration; no arguments, results or secrets).
/// </summary>
public sealed partial class ToolCalls(
    ControlPlaneDbContext db, ConnectorCatalog catalog, ConnectorSecrets secrets, ConnectorUpstreams upstreams, TimeProvider time,
    ILogger<ToolCalls> logger)
{
    public async Task<InstanceToolsDto?> ListAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        var instance = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId)
            .Select(i => new { i.Connectors }).SingleOrDefaultAsync(cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var bindings = await db.ConnectorBindings.AsNoTracking().Where(b => b.InstanceId == instanceId)
            .Select(b => new { b.ConnectorKey, b.AllowedTools }).ToListAsync(cancellationToken);
        var missing = instance.Connectors.Where(c => bindings.All(b => b.ConnectorKey != c)).Order(StringComparer.Ordinal).ToArray();
        var tools = bindings.Where(b => instance.Connectors.Contains(b.ConnectorKey))
            .SelectMany(b => catalog.Find(b.ConnectorKey) is { } connector
                ? connector.Tools.Where(t => b.AllowedTools.Contains(ConnectorCatalog.ToolName(connector, t))).Select(t => ConnectorCatalog.ToDto(connector, t))
                : [])
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        return new InstanceToolsDto(missing, tools);
    }

    public async Task<ToolCallResultDto> CallAsync(Guid instanceId, string name, ToolCallRequest request, CancellationToken cancellationToken)
    {
        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken)
            ?? throw ControlPlaneException.NotFound($"Instance {instanceId}");
        var started = time.GetTimestamp();
        if (catalog.FindTool(name) is not var (connector, tool))
        {
            throw NotAvailable(name, "no connector has this tool");
        }

        var binding = await db.ConnectorBindings.AsNoTracking()
            .SingleOrDefaultAsync(b => b.InstanceId == instanceId && b.ConnectorKey == connector.Key, cancellationToken);
        var refusal = instance.State is not InstanceState.Active ? $"instance {instanceId} is {instance.State.ToString().ToUpperInvariant()}"
            : !instance.Connectors.Contains(connector.Key) ? $"the offering does not use {connector.Name}"
            : binding is null ? $"{connector.Name} is not connected to this instance (it may have been revoked)"
            : !binding.AllowedTools.Contains(name) ? $"{name} is not among the tools allowed for this instance"
            : null;
        if (refusal is not null)
        {
            await AuditAsync(instance, connector.Key, name, ToolCallOutcomes.Refused, null, started, request.RunId, refusal, cancellationToken);
            throw NotAvailable(name, refusal);
        }

        if (Arguments(request.Arguments, tool) is { } invalid)
        {
            await AuditAsync(instance, connector.Key, name, ToolCallOutcomes.Refused, null, started, request.RunId, invalid, cancellationToken);
            throw ControlPlaneException.Invalid(invalid);
        }

        var arguments = request.Arguments is { ValueKind: JsonValueKind.Object } given ? JsonNode.Parse(given.GetRawText())!.AsObject() : [];
        var credentials = new ConnectorCredentials(connector,
            new Dictionary<string, string>(binding!.Settings.Concat(secrets.Unprotect(instanceId, connector.Key, binding.ProtectedSecrets))));
        var result = await upstreams.RunAsync(http => connector.CallAsync(http, credentials, tool, arguments, cancellationToken), cancellationToken);
        var outcome = result.IsError ? ToolCallOutcomes.Failed : ToolCallOutcomes.Succeeded;
        await AuditAsync(instance, connector.Key, name, outcome, result.UpstreamStatus, started, request.RunId,
            result.IsError ? result.Text : null, cancellationToken);
        LogToolCall(logger, name, instanceId, request.RunId, outcome, result.UpstreamStatus);
        return new ToolCallResultDto(result.IsError, result.Text);
    }

    /// <summary>Why the arguments do not fit the tool (not an object, a required one missing), or null.</summary>
    private static string? Arguments(JsonElement? arguments, ConnectorTool tool)
    {
        if (arguments is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return "The tool's arguments must be a JSON object.";
        }

        var missing = tool.RequiredArguments.Where(r => arguments is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(r, out var v)
            || v.ValueKind is JsonValueKind.Null || v.ValueKind is JsonValueKind.String && v.GetString()!.Length == 0).ToArray();
        return missing.Length == 0 ? null : $"Missing required argument{(missing.Length == 1 ? "" : "s")}: {string.Join(", ", missing)}.";
    }

    private async Task AuditAsync(
        Instance instance, string connector, string tool, string outcome, int? upstreamStatus, long started, Guid? runId, string? error,
        CancellationToken cancellationToken)
    {
        db.ToolCalls.Add(new ToolCall
        {
            Id = Guid.CreateVersion7(), InstanceId = instance.Id, WorkspaceId = instance.WorkspaceId, ConnectorKey = connector, Tool = tool,
            Outcome = outcome, UpstreamStatus = upstreamStatus, DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds, RunId = runId,
            Error = error is { Length: > 500 } ? error[..500] : error, At = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ControlPlaneException NotAvailable(string name, string why) =>
        new(GsvProblems.ToolNotAvailable, StatusCodes.Status403Forbidden, "Tool not available",
            $"{Gsv.ServiceDefaults.Text.FreeText.Excerpt(name)} cannot be called: {why}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool {Tool} of instance {InstanceId} (run {RunId}): {Outcome}, upstream status {UpstreamStatus}")]
    private static partial void LogToolCall(ILogger logger, string tool, Guid instanceId, Guid? runId, string outcome, int? upstreamStatus);
}
