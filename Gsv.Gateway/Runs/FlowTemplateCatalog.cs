using System.Collections.Concurrent;
using System.Net;
using Gsv.Langflow;

namespace Gsv.Gateway.Runs;

/// <summary>
/// The flow templates runs follow (allowed tweaks, knowledge and MCP inputs): those the gateway was built with, and
/// those sellers uploaded, read from the Provisioner (<c>/internal/v1/flow-templates/{name}</c>, from its GitOps
/// repository) the first time an instance of theirs runs. An uploaded template never changes, so it is kept; a name the
/// Provisioner does not know is asked again after <see cref="MissRetry"/>.
/// </summary>
public sealed partial class FlowTemplateCatalog(
    FlowTemplates? shipped, IHttpClientFactory? provisioner, TimeProvider time, ILogger<FlowTemplateCatalog> logger)
{
    /// <summary>The named HTTP client that reaches the Provisioner with the gateway's service token.</summary>
    public const string ProvisionerClient = "provisioner";

    public static readonly TimeSpan MissRetry = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, FlowTemplate> _uploaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _missingUntil = new(StringComparer.Ordinal);

    /// <summary>The template called <paramref name="name"/>, if it is shipped or was loaded (<see cref="LoadAsync"/>).</summary>
    public FlowTemplate? Find(string name) => shipped?.Find(name) ?? _uploaded.GetValueOrDefault(name);

    /// <summary>
    /// Makes <see cref="Find"/> know the template when it exists anywhere: true once that is settled (found, or the
    /// Provisioner has no such template), false when the Provisioner could not be asked. Free for shipped templates.
    /// </summary>
    public async ValueTask<bool> LoadAsync(string? name, CancellationToken cancellationToken)
    {
        if (name is null || shipped?.Contains(name) == true || _uploaded.ContainsKey(name) || provisioner is null
            || (_missingUntil.TryGetValue(name, out var until) && until > time.GetUtcNow()))
        {
            return true;
        }

        try
        {
            using var response = await provisioner.CreateClient(ProvisionerClient)
                .GetAsync($"internal/v1/flow-templates/{Uri.EscapeDataString(name)}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                _missingUntil[name] = time.GetUtcNow() + MissRetry;
                LogUnknown(logger, name);
                return true;
            }

            response.EnsureSuccessStatusCode();
            var template = FlowTemplate.Parse(name, await response.Content.ReadAsStringAsync(cancellationToken));
            _uploaded[name] = template;
            _missingUntil.TryRemove(name, out _);
            LogLoaded(logger, name, template.AllowedTweaks.Count, template.ContextInput is not null, template.McpInput is not null);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, name, e.Message);
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "Loaded the uploaded flow template {Name} from the Provisioner ({Tweaks} allowed tweaks, knowledge {Knowledge}, tools {Tools})")]
    private static partial void LogLoaded(ILogger logger, string name, int tweaks, bool knowledge, bool tools);

    [LoggerMessage(LogLevel.Warning, "The Provisioner has no flow template {Name}: its runs get no tweaks, passages or tools")]
    private static partial void LogUnknown(ILogger logger, string name);

    [LoggerMessage(LogLevel.Warning, "The flow template {Name} could not be read from the Provisioner: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string name, string error);
}
