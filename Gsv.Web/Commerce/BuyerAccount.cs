using Gsv.ControlPlane.Client;
using Gsv.Web.Account;
using Microsoft.AspNetCore.Authentication;

namespace Gsv.Web.Commerce;

/// <summary>
/// The Control Plane's public API for the signed-in buyer: each call forwards the user's own access token from the
/// cookie session, server-side (the browser never holds it).
/// </summary>
public sealed class BuyerAccount(ControlPlaneUserClient controlPlane, GatewayRunClient gateway, IHttpContextAccessor accessor)
{
    private Task<WalletDto?>? headerWallet;

    public bool IsSignedIn => accessor.HttpContext?.User.Identity?.IsAuthenticated == true;

    public string? Email => accessor.HttpContext?.User.FindFirst("email")?.Value;

    public async Task<WalletDto?> WalletAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.GetWalletAsync(await TokenAsync(), cancellationToken: cancellationToken);

    /// <summary>The wallet as this request first read it: the header's badge and the low-credit banner share one read.</summary>
    public Task<WalletDto?> WalletOfThisRequestAsync() => headerWallet ??= WalletAsync();

    /// <summary>Raised when this request changed the wallet (a run was charged, a new warning level), with the wallet after it.</summary>
    public event Func<WalletDto, Task>? WalletChanged;

    /// <summary>Tells the header's badge and the low-credit banner, already rendered, what the wallet is now.</summary>
    public async Task ReportWalletChangedAsync(WalletDto wallet)
    {
        headerWallet = Task.FromResult<WalletDto?>(wallet);
        if (WalletChanged is { } changed)
        {
            foreach (var handler in changed.GetInvocationList().Cast<Func<WalletDto, Task>>())
            {
                await handler(wallet);
            }
        }
    }

    public async Task<MeDto> MeAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.GetMeAsync(await TokenAsync(), cancellationToken);

    public async Task<LedgerPageDto?> LedgerPageAsync(int page, int pageSize, LedgerEntryKind? kind, CancellationToken cancellationToken = default) =>
        await controlPlane.GetLedgerAsync(await TokenAsync(), page, pageSize, kind: kind, cancellationToken: cancellationToken);

    public async Task<LowCreditSettingsDto?> LowCreditAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.GetLowCreditAsync(await TokenAsync(), cancellationToken);

    public async Task<LowCreditSettingsDto> SetLowCreditAsync(long? threshold, CancellationToken cancellationToken = default) =>
        await controlPlane.SetLowCreditAsync(await TokenAsync(), threshold, cancellationToken);

    public async Task<List<ApiKeyDto>?> ApiKeysAsync(Guid instanceId, CancellationToken cancellationToken = default) =>
        await controlPlane.ListApiKeysAsync(await TokenAsync(), instanceId, cancellationToken);

    public async Task<CreatedApiKeyDto> CreateApiKeyAsync(Guid instanceId, string name, CancellationToken cancellationToken = default) =>
        await controlPlane.CreateApiKeyAsync(await TokenAsync(), instanceId, name, cancellationToken);

    public async Task RevokeApiKeyAsync(Guid instanceId, Guid keyId, CancellationToken cancellationToken = default) =>
        await controlPlane.RevokeApiKeyAsync(await TokenAsync(), instanceId, keyId, cancellationToken);

    /// <summary>The instance's knowledge documents with their parse status, newest first; null when it is not the buyer's.</summary>
    public async Task<KnowledgeDocumentPageDto?> KnowledgeAsync(Guid instanceId, CancellationToken cancellationToken = default) =>
        await controlPlane.ListKnowledgeAsync(await TokenAsync(), instanceId, 1, 100, cancellationToken);

    /// <summary>Uploads documents to the instance's knowledge base (the Control Plane checks them again and starts parsing).</summary>
    public async Task<List<KnowledgeDocumentDto>> UploadKnowledgeAsync(
        Guid instanceId, IReadOnlyCollection<(string FileName, byte[] Content)> files, CancellationToken cancellationToken = default) =>
        await controlPlane.UploadKnowledgeAsync(await TokenAsync(), instanceId, files, cancellationToken);

    public async Task DeleteKnowledgeAsync(Guid instanceId, string documentId, CancellationToken cancellationToken = default) =>
        await controlPlane.DeleteKnowledgeAsync(await TokenAsync(), instanceId, documentId, cancellationToken);

    /// <summary>The passages of the instance's documents that best answer <paramref name="question"/> (what a run is given).</summary>
    public async Task<KnowledgeSearchResultDto> SearchKnowledgeAsync(Guid instanceId, string question, int topK, CancellationToken cancellationToken = default) =>
        await controlPlane.SearchKnowledgeAsync(await TokenAsync(), instanceId, question, topK, cancellationToken);

    /// <summary>The connectors GSV offers, with each field's help and whether it is required.</summary>
    public async Task<List<ConnectorDto>> ConnectorCatalogAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.ListConnectorCatalogAsync(await TokenAsync(), cancellationToken);

    /// <summary>The instance's connectors with their state (secrets masked); null when it is not the buyer's.</summary>
    public async Task<List<InstanceConnectorDto>?> ConnectorsAsync(Guid instanceId, CancellationToken cancellationToken = default) =>
        await controlPlane.ListConnectorsAsync(await TokenAsync(), instanceId, cancellationToken);

    public async Task<InstanceConnectorDto> BindConnectorAsync(Guid instanceId, string connector, BindConnectorRequest binding, CancellationToken cancellationToken = default) =>
        await controlPlane.BindConnectorAsync(await TokenAsync(), instanceId, connector, binding, cancellationToken);

    /// <summary>One call to the connector's upstream with the entered values over the stored ones: what it answered.</summary>
    public async Task<ConnectorTestResult> TestConnectorAsync(
        Guid instanceId, string connector, IReadOnlyDictionary<string, string?> credentials, CancellationToken cancellationToken = default) =>
        await controlPlane.TestConnectorAsync(await TokenAsync(), instanceId, connector, credentials, cancellationToken);

    public async Task RevokeConnectorAsync(Guid instanceId, string connector, CancellationToken cancellationToken = default) =>
        await controlPlane.RevokeConnectorAsync(await TokenAsync(), instanceId, connector, cancellationToken);

    /// <summary>The instance's latest tool calls, newest first.</summary>
    public async Task<List<ToolCallAuditDto>> ToolCallsAsync(Guid instanceId, int limit, CancellationToken cancellationToken = default) =>
        await controlPlane.ListToolCallsAsync(await TokenAsync(), instanceId, limit, cancellationToken);

    /// <summary>The signed-in buyer's subject (<c>sub</c>), to bind what the web app seals for them to them alone.</summary>
    public string? Subject => accessor.HttpContext?.User.FindFirst("sub")?.Value
        ?? accessor.HttpContext?.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;

    public async Task<List<RunDto>> RunsPageAsync(Guid instanceId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        await controlPlane.ListRunsPageAsync(await TokenAsync(), instanceId, page, pageSize, cancellationToken);

    /// <summary>One run of the instance through the Gateway, streamed, with the user's own token.</summary>
    public async IAsyncEnumerable<RunStreamEvent> RunAsync(
        Guid instanceId, string input, string? sessionId, string idempotencyKey,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = await TokenAsync();
        await foreach (var item in gateway.StreamAsync(token, instanceId, input, sessionId, idempotencyKey, cancellationToken))
        {
            yield return item;
        }
    }

    public async Task<List<InstanceDto>> InstancesAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.ListInstancesAsync(await TokenAsync(), cancellationToken);

    public async Task<InstanceDto?> InstanceAsync(Guid id, CancellationToken cancellationToken = default) =>
        await controlPlane.GetInstanceAsync(await TokenAsync(), id, cancellationToken);

    public async Task<LedgerPageDto?> LedgerAsync(CancellationToken cancellationToken = default) =>
        await controlPlane.GetLedgerAsync(await TokenAsync(), 1, 100, cancellationToken: cancellationToken);

    public async Task<InstanceDto> StartTrialAsync(string offering, CancellationToken cancellationToken = default) =>
        await controlPlane.StartTrialAsync(await TokenAsync(), offering, cancellationToken);

    private async Task<string> TokenAsync()
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The buyer's account is only used within a request.");
        return await context.GetTokenAsync("access_token")
            ?? throw new InvalidOperationException("The session carries no access token.");
    }
}
