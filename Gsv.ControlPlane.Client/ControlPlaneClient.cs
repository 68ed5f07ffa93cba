
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using static Gsv.ControlPlane.Client.ControlPlaneHttp;

namespace Gsv.ControlPlane.Client;

/// <summary>
/// The Control Plane's internal API (<c>/internal/v1</c>), called with this service's client-credentials token.
/// Problems become <see cref="ControlPlaneProblemException"/> (or a subclass); lookups return <c>null</c> on 404.
/// </summary>
public sealed class ControlPlaneClient(HttpClient http)
{
    private const string Base = "internal/v1/";

    /// <summary>The request option (<c>gsv.send-once</c>) that tells the service defaults' resilience handler not to retry a request.</summary>
    public static readonly HttpRequestOptionsKey<bool> SendOnce = new("gsv.send-once");

    // Offerings
    public async Task<OfferingDto> UpsertOfferingAsync(string slug, UpsertOfferingRequest offering, CancellationToken cancellationToken = default)
    {
        using var response = await http.PutAsJsonAsync($"{Base}offerings/{Uri.EscapeDataString(slug)}", offering, Json, cancellationToken);
        return await ReadAsync<OfferingDto>(response, cancellationToken);
    }

    /// <summary>Per offering, how many instances came from orders (trials not counted); offerings never sold are absent.</summary>
    public async Task<IReadOnlyList<OfferingSalesDto>> GetOfferingSalesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}offering-sales", cancellationToken);
        return await ReadAsync<List<OfferingSalesDto>>(response, cancellationToken);
    }

    /// <summary>The connector catalog (what an offering may name in <c>gsv-connectors</c>).</summary>
    public async Task<IReadOnlyList<ConnectorDto>> ListConnectorCatalogAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}connectors", cancellationToken);
        return await ReadAsync<List<ConnectorDto>>(response, cancellationToken);
    }

    public async Task<OfferingDto?> GetOfferingAsync(string slug, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}offerings/{Uri.EscapeDataString(slug)}", cancellationToken);
        return await ReadOrNullAsync<OfferingDto>(response, cancellationToken);
    }

    // Users and workspaces
    public async Task<FindOrCreateUserResult> FindOrCreateUserAsync(string email, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}users/find-or-create", new FindOrCreateUserRequest(email), Json, cancellationToken);
        return await ReadAsync<FindOrCreateUserResult>(response, cancellationToken);
    }

    /// <summary>The Keycloak user's role in the workspace, or <c>null</c> when they are not a member.</summary>
    public async Task<MembershipDto?> GetMembershipAsync(Guid workspaceId, string sub, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}workspaces/{workspaceId}/members/{Uri.EscapeDataString(sub)}", cancellationToken);
        return await ReadOrNullAsync<MembershipDto>(response, cancellationToken);
    }

    // Instances
    /// <summary>Creates the instance of a paid order line; the same order line again returns the existing instance.</summary>
    public async Task<InstanceDto> CreateInstanceAsync(CreateInstanceRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}instances", request, Json, cancellationToken);
        return await ReadAsync<InstanceDto>(response, cancellationToken);
    }

    public async Task<InstanceDto?> GetInstanceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}instances/{id}", cancellationToken);
        return await ReadOrNullAsync<InstanceDto>(response, cancellationToken);
    }

    /// <summary>Every instance matching the filters (all pages).</summary>
    public async Task<IReadOnlyList<InstanceDto>> ListInstancesAsync(
        IEnumerable<InstanceState>? states = null, Guid? workspaceId = null, CancellationToken cancellationToken = default)
    {
        var all = new List<InstanceDto>();
        await foreach (var instance in EnumerateInstancesAsync(states, workspaceId, cancellationToken: cancellationToken))
        {
            all.Add(instance);
        }

        return all;
    }

    /// <summary>Every instance matching the filters, fetched page by page (<paramref name="pageSize"/> per request).</summary>
    public async IAsyncEnumerable<InstanceDto> EnumerateInstancesAsync(
        IEnumerable<InstanceState>? states = null, Guid? workspaceId = null, IEnumerable<Guid>? ids = null, int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        do
        {
            var page = await ListInstancesPageAsync(states, workspaceId, ids, after, pageSize, cancellationToken);
            foreach (var instance in page.Items)
            {
                yield return instance;
            }

            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>One page of instances; pass the previous page's <see cref="InstancePage.Next"/> as <paramref name="after"/>.</summary>
    public async Task<InstancePage> ListInstancesPageAsync(
        IEnumerable<InstanceState>? states = null, Guid? workspaceId = null, IEnumerable<Guid>? ids = null, string? after = null, int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        query.AddRange((states ?? []).Select(state => "state=" + state.ToString().ToUpperInvariant()));
        if (workspaceId is { } workspace)
        {
            query.Add("workspaceId=" + workspace);
        }

        query.AddRange((ids ?? []).Select(id => "id=" + id));
        if (after is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }

        if (limit is { } size)
        {
            query.Add("limit=" + size.ToString(CultureInfo.InvariantCulture));
        }

        var url = $"{Base}instances" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        using var response = await http.GetAsync(url, cancellationToken);
        return await ReadAsync<InstancePage>(response, cancellationToken);
    }

    /// <summary>Moves the instance; an illegal move throws <see cref="IllegalTransitionException"/> and changes nothing.</summary>
    public async Task<InstanceDto> TransitionInstanceAsync(Guid id, TransitionRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}instances/{id}/transitions", request, Json, cancellationToken);
        return await ReadAsync<InstanceDto>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<TransitionDto>> GetTransitionsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}instances/{id}/transitions", cancellationToken);
        return await ReadAsync<List<TransitionDto>>(response, cancellationToken);
    }

    // Wallets and the ledger
    public async Task<WalletDto?> GetWalletAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}wallets/{workspaceId}", cancellationToken);
        return await ReadOrNullAsync<WalletDto>(response, cancellationToken);
    }

    /// <summary>Grants credits; a replayed idempotency key returns the original entry with <c>Created = false</c>.</summary>
    public async Task<GrantResult> GrantAsync(Guid workspaceId, GrantRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}wallets/{workspaceId}/grants", request, Json, cancellationToken);
        return await ReadAsync<GrantResult>(response, cancellationToken);
    }

    public async Task<GrantResult> RefundAsync(Guid workspaceId, RefundRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}wallets/{workspaceId}/refunds", request, Json, cancellationToken);
        return await ReadAsync<GrantResult>(response, cancellationToken);
    }

    /// <summary>
    /// Applies settlements then holds in one Control Plane transaction; every item gets its own outcome, in request
    /// order. Idempotent per run id, so a retried batch changes nothing twice.
    /// </summary>
    public async Task<CreditBatchResult> ApplyCreditBatchAsync(CreditBatchRequest batch, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}credits/batch", batch, Json, cancellationToken);
        return await ReadAsync<CreditBatchResult>(response, cancellationToken);
    }

    // API keys and runs
    /// <summary>The instance and workspace of an API key (and marks it used), or <c>null</c> if unknown or revoked.</summary>
    public async Task<ResolvedApiKey?> ResolveApiKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}api-keys/resolve", new ResolveApiKeyRequest(key), Json, cancellationToken);
        return await ReadOrNullAsync<ResolvedApiKey>(response, cancellationToken);
    }

    /// <summary>Records a finished run (idempotent on run id).</summary>
    public async Task<RunDto> RecordRunAsync(RunDto request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base}runs", request, Json, cancellationToken);
        return await ReadAsync<RunDto>(response, cancellationToken);
    }

    public async Task<RunDto?> GetRunAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}runs/{runId}", cancellationToken);
        return await ReadOrNullAsync<RunDto>(response, cancellationToken);
    }

    // Connector tools (the Gateway's MCP endpoint)
    /// <summary>The tools an instance's runs may call now and the connectors it still needs, or <c>null</c> for an unknown instance.</summary>
    public async Task<InstanceToolsDto?> GetInstanceToolsAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base}instances/{instanceId}/tools", cancellationToken);
        return await ReadOrNullAsync<InstanceToolsDto>(response, cancellationToken);
    }

    /// <summary>
    /// Calls a tool for an instance's run. Sent once (never retried: the upstream may have acted); a revoked connector
    /// or a tool not allowed is a 403 <c>tool_not_available</c> problem.
    /// </summary>
    public async Task<ToolCallResultDto> CallToolAsync(Guid instanceId, string tool, ToolCallRequest request, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{Base}instances/{instanceId}/tools/{Uri.EscapeDataString(tool)}/call")
        {
            Content = JsonContent.Create(request, options: Json),
        };
        message.Options.Set(SendOnce, true);
        using var response = await http.SendAsync(message, cancellationToken);
        return await ReadAsync<ToolCallResultDto>(response, cancellationToken);
    }
}
