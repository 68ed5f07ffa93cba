using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// An instance's connectors: bind with credentials (checked, secrets encrypted), show (secrets masked), test, revoke.
/// The caller has already been allowed the instance; nothing here takes a workspace or instance from the request body.
/// </summary>
public sealed partial class ConnectorBindings(
    ControlPlaneDbContext db, ConnectorCatalog catalog, ConnectorSecrets secrets, ConnectorUpstreams upstreams, TimeProvider time,
    ILogger<ConnectorBindings> logger)
{
    public const int MaxFieldLength = 4096;

    /// <summary>The connectors the instance's offering needs, and any other bound to it, each with its state.</summary>
    public async Task<IReadOnlyList<InstanceConnectorDto>> ListAsync(Instance instance, CancellationToken cancellationToken)
    {
        var bindings = await db.ConnectorBindings.AsNoTracking().Where(b => b.InstanceId == instance.Id).ToListAsync(cancellationToken);
        return [.. instance.Connectors.Union(bindings.Select(b => b.ConnectorKey)).Order(StringComparer.Ordinal)
            .Select(key => Describe(instance, key, bindings.FirstOrDefault(b => b.ConnectorKey == key)))];
    }

    public async Task<InstanceConnectorDto> GetAsync(Instance instance, string key, CancellationToken cancellationToken)
    {
        var connector = Usable(instance, key);
        var binding = await db.ConnectorBindings.AsNoTracking().SingleOrDefaultAsync(b => b.InstanceId == instance.Id && b.ConnectorKey == key, cancellationToken);
        return Describe(instance, connector.Key, binding);
    }

    /// <summary>
    /// Creates or replaces the binding. A secret left out keeps its stored value; nothing is saved if any field is
    /// refused. (Not named BindAsync: minimal APIs would take this service for a parameter that binds itself.)
    /// </summary>
    public async Task<InstanceConnectorDto> ConnectAsync(Instance instance, string key, BindConnectorRequest request, CancellationToken cancellationToken)
    {
        var connector = Usable(instance, key);
        if (instance.State is InstanceState.Terminated or InstanceState.Failed)
        {
            throw ControlPlaneException.Conflict($"Instance {instance.Id} is {instance.State.ToString().ToUpperInvariant()}: it cannot use connectors.");
        }

        var binding = await db.ConnectorBindings.SingleOrDefaultAsync(b => b.InstanceId == instance.Id && b.ConnectorKey == key, cancellationToken);
        var values = Merge(connector, instance, binding, request.Credentials);
        var allowed = AllowedTools(connector, request.AllowedTools, binding);

        var now = time.GetUtcNow();
        var secretValues = connector.Fields.Where(f => f.Secret && values.ContainsKey(f.Name)).ToDictionary(f => f.Name, f => values[f.Name]);
        if (binding is null)
        {
            binding = new ConnectorBinding
            {
                Id = Guid.CreateVersion7(), InstanceId = instance.Id, WorkspaceId = instance.WorkspaceId, ConnectorKey = key,
                ProtectedSecrets = "", CreatedAt = now,
            };
            db.ConnectorBindings.Add(binding);
        }

        binding.ProtectedSecrets = secrets.Protect(instance.Id, key, secretValues);
        // Every stored secret has an entry: its last 4 characters, or "" when it is too short to show any.
        binding.SecretHints = secretValues.ToDictionary(s => s.Key, s => ConnectorSecrets.Hint(s.Value) ?? "");
        binding.Settings = connector.Fields.Where(f => !f.Secret && values.ContainsKey(f.Name)).ToDictionary(f => f.Name, f => values[f.Name]);
        binding.AllowedTools = [.. allowed];
        binding.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception))
        {
            throw ControlPlaneException.Conflict($"{connector.Name} was being bound to this instance by another request; reload and try again.");
        }

        LogBound(logger, key, instance.Id, allowed.Count);
        return Describe(instance, key, binding);
    }

    /// <summary>Calls the upstream once with the given credentials (merged over the stored ones) or the stored binding.</summary>
    public async Task<ConnectorTestResult> TestAsync(Instance instance, string key, TestConnectorRequest? request, CancellationToken cancellationToken)
    {
        var connector = Usable(instance, key);
        var binding = await db.ConnectorBindings.AsNoTracking().SingleOrDefaultAsync(b => b.InstanceId == instance.Id && b.ConnectorKey == key, cancellationToken);
        if (binding is null && request?.Credentials is null)
        {
            throw ControlPlaneException.Invalid($"{connector.Name} is not bound yet: send the credentials to test.");
        }

        var values = Merge(connector, instance, binding, request?.Credentials);
        var started = time.GetTimestamp();
        var result = await upstreams.RunAsync(http => connector.TestAsync(http, new ConnectorCredentials(connector, values), cancellationToken), cancellationToken);
        return new ConnectorTestResult(!result.IsError, result.Text, result.UpstreamStatus, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Revoking deletes the binding and its credentials; the instance's runs lose its tools at once.</summary>
    public async Task RevokeAsync(Instance instance, string key, CancellationToken cancellationToken)
    {
        var deleted = await db.ConnectorBindings.Where(b => b.InstanceId == instance.Id && b.ConnectorKey == key).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            throw ControlPlaneException.NotFound($"A {key} binding of instance {instance.Id}");
        }

        LogRevoked(logger, key, instance.Id);
    }

    public async Task<IReadOnlyList<ToolCallAuditDto>> AuditAsync(Instance instance, int limit, CancellationToken cancellationToken) =>
        await db.ToolCalls.AsNoTracking().Where(c => c.InstanceId == instance.Id).OrderByDescending(c => c.At).Take(limit)
            .Select(c => new ToolCallAuditDto(c.Id, c.ConnectorKey, c.Tool, c.Outcome, c.UpstreamStatus, c.DurationMs, c.RunId, c.Error, c.At))
            .ToListAsync(cancellationToken);

    /// <summary>A connector of the catalog that this instance's offering uses, else 400.</summary>
    private IConnector Usable(Instance instance, string key)
    {
        var connector = catalog.Find(key) ?? throw ControlPlaneException.NotFound($"Connector '{FreeText.Excerpt(key)}'");
        return instance.Connectors.Contains(key)
            ? connector
            : throw new ControlPlaneException(GsvProblems.ConnectorNotUsed, StatusCodes.Status400BadRequest, "Connector not used",
                $"Offering '{instance.OfferingSlug}' does not use {connector.Name}; it uses: {(instance.Connectors.Count == 0 ? "no connector" : string.Join(", ", instance.Connectors))}.");
    }

    /// <summary>The binding's fields after the request: every field checked, required ones present, unknown ones refused.</summary>
    private Dictionary<string, string> Merge(IConnector connector, Instance instance, ConnectorBinding? binding, IReadOnlyDictionary<string, string?>? given)
    {
        var values = binding is null ? new Dictionary<string, string>()
            : new Dictionary<string, string>(binding.Settings.Concat(secrets.Unprotect(instance.Id, connector.Key, binding.ProtectedSecrets)));
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in given ?? new Dictionary<string, string?>())
        {
            var field = connector.Fields.FirstOrDefault(f => f.Name == name);
            if (field is null)
            {
                errors[name] = [$"{connector.Name} has no field '{FreeText.Excerpt(name)}'; its fields are {string.Join(", ", connector.Fields.Select(f => f.Name))}."];
                continue;
            }

            var trimmed = value?.Trim() ?? "";
            if (trimmed.Length == 0)
            {
                // An empty secret keeps the stored one (forms leave secrets blank); an empty setting clears it.
                if (!field.Secret)
                {
                    values.Remove(name);
                }

                continue;
            }

            if (trimmed.Length > MaxFieldLength || FreeText.HasForbidden(trimmed))
            {
                errors[name] = [$"{field.Label} must have at most {MaxFieldLength} characters and no control characters."];
            }
            else if (field.Check?.Invoke(trimmed) is { } refusal)
            {
                errors[name] = [refusal];
            }
            else
            {
                values[name] = trimmed;
            }
        }

        foreach (var field in connector.Fields.Where(f => f.Required && !values.ContainsKey(f.Name) && !errors.ContainsKey(f.Name)))
        {
            errors[field.Name] = [$"{field.Label} is required."];
        }

        return errors.Count == 0 ? values : throw new ValidationRefusal(errors);
    }

    private static IReadOnlyList<string> AllowedTools(IConnector connector, IReadOnlyList<string>? requested, ConnectorBinding? binding)
    {
        var names = connector.Tools.Select(t => ConnectorCatalog.ToolName(connector, t)).ToArray();
        if (requested is null)
        {
            return binding?.AllowedTools ?? [.. names];
        }

        var unknown = requested.Where(r => !names.Contains(r)).ToArray();
        return unknown.Length == 0
            ? [.. names.Where(requested.Contains)]
            : throw new ValidationRefusal(new Dictionary<string, string[]>
            {
                ["allowedTools"] = [$"{string.Join(", ", unknown.Select(u => FreeText.Excerpt(u)))} {(unknown.Length == 1 ? "is not a tool" : "are not tools")} of {connector.Name}; its tools are {string.Join(", ", names)}."],
            });
    }

    private InstanceConnectorDto Describe(Instance instance, string key, ConnectorBinding? binding)
    {
        var connector = catalog.Find(key);
        var fields = connector?.Fields.Select(f => f.Secret
            ? new ConnectorFieldState(f.Name, f.Label, true, binding?.SecretHints.ContainsKey(f.Name) == true,
                binding?.SecretHints.GetValueOrDefault(f.Name) is { Length: > 0 } hint ? hint : null, null)
            : new ConnectorFieldState(f.Name, f.Label, false, binding?.Settings.ContainsKey(f.Name) == true, null,
                binding?.Settings.GetValueOrDefault(f.Name) ?? f.Default)).ToArray() ?? [];
        return new InstanceConnectorDto(key, connector?.Name ?? key, connector?.Description ?? "This connector is not offered any more.",
            instance.Connectors.Contains(key), binding is not null, fields, binding?.AllowedTools ?? [],
            connector?.Tools.Select(t => ConnectorCatalog.ToDto(connector, t)).ToArray() ?? [], binding?.CreatedAt, binding?.UpdatedAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector} bound to instance {InstanceId} with {ToolCount} tools allowed")]
    private static partial void LogBound(ILogger logger, string connector, Guid instanceId, int toolCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector} revoked from instance {InstanceId}")]
    private static partial void LogRevoked(ILogger logger, string connector, Guid instanceId);
}

/// <summary>A 400 with errors by field, as a validation problem.</summary>
public sealed class ValidationRefusal(IDictionary<string, string[]> errors)
    : ControlPlaneException(GsvProblems.Validation, StatusCodes.Status400BadRequest, "The request is not valid.",
        string.Join(" ", errors.SelectMany(e => e.Value)), new Dictionary<string, object?> { ["errors"] = errors });
