using System.Net.Http.Headers;
using System.Net.Http.Json;
using static Gsv.ControlPlane.Client.ControlPlaneHttp;

namespace Gsv.ControlPlane.Client;

/// <summary>
/// The Control Plane's public API (<c>/api/v1</c>) on behalf of a user: every call forwards that user's access token,
/// so the Control Plane scopes it to their workspaces (another workspace's object is a 404 → <c>null</c>).
/// </summary>
public sealed class ControlPlaneUserClient(HttpClient http)
{
    private const string Base = "api/v1/";

    public Task<MeDto> GetMeAsync(string userToken, CancellationToken cancellationToken = default) =>
        GetAsync<MeDto>(userToken, "me", cancellationToken);

    public Task<List<WorkspaceDto>> GetWorkspacesAsync(string userToken, CancellationToken cancellationToken = default) =>
        GetAsync<List<WorkspaceDto>>(userToken, "workspaces", cancellationToken);

    public Task<List<InstanceDto>> ListInstancesAsync(string userToken, CancellationToken cancellationToken = default) =>
        GetAsync<List<InstanceDto>>(userToken, "instances", cancellationToken);

    public Task<InstanceDto?> GetInstanceAsync(string userToken, Guid id, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<InstanceDto>(userToken, $"instances/{id}", cancellationToken);

    public async Task<InstanceDto> StartTrialAsync(string userToken, string offering, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, userToken, "instances/trial");
        request.Content = JsonContent.Create(new CreateTrialRequest(offering), options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<InstanceDto>(response, cancellationToken);
    }

    public Task<WalletDto?> GetWalletAsync(string userToken, Guid? workspaceId = null, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<WalletDto>(userToken, "wallet" + (workspaceId is { } w ? $"?workspaceId={w}" : ""), cancellationToken);

    /// <summary>A page of the ledger, newest first; <paramref name="kind"/> keeps only that kind.</summary>
    public Task<LedgerPageDto?> GetLedgerAsync(
        string userToken, int page = 1, int pageSize = 50, Guid? workspaceId = null, LedgerEntryKind? kind = null, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<LedgerPageDto>(
            userToken,
            $"wallet/ledger?page={page}&pageSize={pageSize}" + (workspaceId is { } w ? $"&workspaceId={w}" : "") + (kind is { } k ? $"&kind={k.WireName()}" : ""),
            cancellationToken);

    public Task<LowCreditSettingsDto?> GetLowCreditAsync(string userToken, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<LowCreditSettingsDto>(userToken, "wallet/low-credit", cancellationToken);

    /// <summary>Sets the low-credit threshold of the caller's workspace (null: back to the default); a refused value throws <see cref="ControlPlaneProblemException"/>.</summary>
    public async Task<LowCreditSettingsDto> SetLowCreditAsync(string userToken, long? threshold, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Put, userToken, "wallet/low-credit");
        request.Content = JsonContent.Create(new LowCreditSettingsRequest(threshold), options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<LowCreditSettingsDto>(response, cancellationToken);
    }

    public async Task<CreatedApiKeyDto> CreateApiKeyAsync(string userToken, Guid instanceId, string name, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, userToken, $"instances/{instanceId}/api-keys");
        request.Content = JsonContent.Create(new CreateApiKeyRequest(name), options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<CreatedApiKeyDto>(response, cancellationToken);
    }

    public Task<List<ApiKeyDto>?> ListApiKeysAsync(string userToken, Guid instanceId, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<List<ApiKeyDto>>(userToken, $"instances/{instanceId}/api-keys", cancellationToken);

    public async Task RevokeApiKeyAsync(string userToken, Guid instanceId, Guid keyId, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Delete, userToken, $"instances/{instanceId}/api-keys/{keyId}");
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public Task<List<RunDto>> ListRunsAsync(string userToken, Guid? instanceId = null, CancellationToken cancellationToken = default) =>
        GetAsync<List<RunDto>>(userToken, "runs" + (instanceId is { } i ? $"?instanceId={i}" : ""), cancellationToken);

    /// <summary>Page <paramref name="page"/> of an instance's runs, newest first.</summary>
    public Task<List<RunDto>> ListRunsPageAsync(string userToken, Guid instanceId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        GetAsync<List<RunDto>>(userToken, $"runs?instanceId={instanceId}&page={page}&pageSize={pageSize}", cancellationToken);

    public Task<RunDto?> GetRunAsync(string userToken, Guid runId, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<RunDto>(userToken, $"runs/{runId}", cancellationToken);

    /// <summary>Uploads documents to the instance's knowledge (multipart, one <c>file</c> part each); parsing starts at once.</summary>
    public async Task<List<KnowledgeDocumentDto>> UploadKnowledgeAsync(
        string userToken, Guid instanceId, IReadOnlyCollection<(string FileName, byte[] Content)> files, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, userToken, $"instances/{instanceId}/knowledge/documents");
        var form = new MultipartFormDataContent();
        foreach (var (fileName, content) in files)
        {
            form.Add(new ByteArrayContent(content), "file", fileName);
        }

        request.Content = form;
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<List<KnowledgeDocumentDto>>(response, cancellationToken);
    }

    /// <summary>The instance's documents with their parse status, newest first; null when the instance is not the caller's.</summary>
    public Task<KnowledgeDocumentPageDto?> ListKnowledgeAsync(
        string userToken, Guid instanceId, int page = 1, int pageSize = 50, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<KnowledgeDocumentPageDto>(userToken, $"instances/{instanceId}/knowledge/documents?page={page}&pageSize={pageSize}", cancellationToken);

    public async Task DeleteKnowledgeAsync(string userToken, Guid instanceId, string documentId, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Delete, userToken, $"instances/{instanceId}/knowledge/documents/{Uri.EscapeDataString(documentId)}");
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>The chunks of the instance's documents that best answer <paramref name="question"/> (what a run would be given).</summary>
    public async Task<KnowledgeSearchResultDto> SearchKnowledgeAsync(
        string userToken, Guid instanceId, string question, int? topK = null, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, userToken, $"instances/{instanceId}/knowledge/search");
        request.Content = JsonContent.Create(new KnowledgeSearchRequest(question, topK), options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<KnowledgeSearchResultDto>(response, cancellationToken);
    }

    // Connectors
    /// <summary>The connectors GSV offers: their fields and tools.</summary>
    public Task<List<ConnectorDto>> ListConnectorCatalogAsync(string userToken, CancellationToken cancellationToken = default) =>
        GetAsync<List<ConnectorDto>>(userToken, "connectors", cancellationToken);

    /// <summary>The instance's connectors (needed or bound) with their state; null when the instance is not the user's.</summary>
    public Task<List<InstanceConnectorDto>?> ListConnectorsAsync(string userToken, Guid instanceId, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<List<InstanceConnectorDto>>(userToken, $"instances/{instanceId}/connectors", cancellationToken);

    /// <summary>Binds (or rebinds) a connector with credentials; a secret left empty keeps the stored one. Refusals are problems.</summary>
    public async Task<InstanceConnectorDto> BindConnectorAsync(
        string userToken, Guid instanceId, string connector, BindConnectorRequest binding, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Put, userToken, $"instances/{instanceId}/connectors/{Uri.EscapeDataString(connector)}");
        request.Content = JsonContent.Create(binding, options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<InstanceConnectorDto>(response, cancellationToken);
    }

    /// <summary>Calls the upstream once with the given credentials (over the stored ones), or the stored binding's when null.</summary>
    public async Task<ConnectorTestResult> TestConnectorAsync(
        string userToken, Guid instanceId, string connector, IReadOnlyDictionary<string, string?>? credentials, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, userToken, $"instances/{instanceId}/connectors/{Uri.EscapeDataString(connector)}/test");
        request.Content = JsonContent.Create(new TestConnectorRequest(credentials), options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<ConnectorTestResult>(response, cancellationToken);
    }

    /// <summary>Revokes a connector: its credentials are deleted and the instance's runs lose its tools at once.</summary>
    public async Task RevokeConnectorAsync(string userToken, Guid instanceId, string connector, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Delete, userToken, $"instances/{instanceId}/connectors/{Uri.EscapeDataString(connector)}");
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>The instance's latest tool calls, newest first (no arguments, results or secrets).</summary>
    public Task<List<ToolCallAuditDto>> ListToolCallsAsync(string userToken, Guid instanceId, int limit = 50, CancellationToken cancellationToken = default) =>
        GetAsync<List<ToolCallAuditDto>>(userToken, $"instances/{instanceId}/tool-calls?limit={limit}", cancellationToken);

    private HttpRequestMessage Request(HttpMethod method, string userToken, string path)
    {
        var request = new HttpRequestMessage(method, Base + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        return request;
    }

    private async Task<T> GetAsync<T>(string userToken, string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, userToken, path);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<T?> GetOrNullAsync<T>(string userToken, string path, CancellationToken cancellationToken) where T : class
    {
        using var request = Request(HttpMethod.Get, userToken, path);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadOrNullAsync<T>(response, cancellationToken);
    }
}
