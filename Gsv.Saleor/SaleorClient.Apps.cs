namespace Gsv.Saleor;

// Apps and webhooks (MANAGE_APPS, staff JWT).

public sealed record PermissionRef(string Code);

public sealed record WebhookEventRef(string EventType);

public sealed record SaleorWebhook(string Id, string Name, string TargetUrl, bool IsActive, IReadOnlyList<WebhookEventRef> AsyncEvents);

/// <summary>An app token as listed (Saleor never shows a token again after it was created).</summary>
public sealed record AppTokenRef(string Id, string? Name);

public sealed record SaleorApp(
    string Id, string Name, string? Identifier, bool IsActive, IReadOnlyList<PermissionRef> Permissions, IReadOnlyList<SaleorWebhook>? Webhooks = null,
    IReadOnlyList<AppTokenRef>? Tokens = null);

/// <summary>A token just created: <see cref="AuthToken"/> is shown this once.</summary>
public sealed record CreatedAppToken(string Id, string AuthToken);

public sealed record AppInput(string Name, string? Identifier, IReadOnlyList<string> Permissions);

public sealed record AppCreateResult(string AuthToken, SaleorApp App);

public sealed record WebhookCreateInput(
    string Name, string TargetUrl, IReadOnlyList<string> AsyncEvents, string Query, bool IsActive = true, string? App = null, string? CustomHeaders = null);

public sealed record WebhookUpdateInput(string? Name = null, string? TargetUrl = null, IReadOnlyList<string>? AsyncEvents = null, string? Query = null, bool? IsActive = null);

public sealed record DeliveryAttempt(string Id, string Status, int? ResponseStatusCode);

public sealed record EventDelivery(string Id, string Status, string EventType, Connection<DeliveryAttempt> Attempts);

public sealed partial class SaleorClient
{
    /// <summary>Apps whose name matches <paramref name="search"/>.</summary>
    public async Task<IReadOnlyList<SaleorApp>> AppsAsync(string? search, CancellationToken cancellationToken = default)
    {
        var apps = new List<SaleorApp>();
        await foreach (var app in SaleorPagination.ReadAllAsync(async (after, ct) =>
            (await ExecuteAsync<AppsData>("Apps", new { search, after }, ct)).Apps, cancellationToken))
        {
            apps.Add(app);
        }

        return apps;
    }

    public async Task<AppCreateResult> AppCreateAsync(AppInput input, CancellationToken cancellationToken = default)
    {
        var payload = Ok((await ExecuteAsync<AppCreateData>("AppCreate", new { input }, cancellationToken)).AppCreate, "appCreate");
        return new(payload.AuthToken!, payload.App!);
    }

    /// <summary>A new token for an existing app (its value is shown only here).</summary>
    public async Task<CreatedAppToken> AppTokenCreateAsync(string appId, string name, CancellationToken cancellationToken = default)
    {
        var payload = Ok((await ExecuteAsync<AppTokenCreateData>("AppTokenCreate", new { input = new { app = appId, name } }, cancellationToken)).AppTokenCreate, "appTokenCreate");
        return new(payload.AppToken!.Id, payload.AuthToken!);
    }

    /// <summary>Revokes an app token (MANAGE_APPS).</summary>
    public async Task AppTokenDeleteAsync(string tokenId, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<AppTokenDeleteData>("AppTokenDelete", new { id = tokenId }, cancellationToken)).AppTokenDelete, "appTokenDelete");

    /// <summary>Changes an app's name, identifier or permissions (MANAGE_APPS; the permissions given replace the app's).</summary>
    public async Task<SaleorApp> AppUpdateAsync(string appId, AppInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<AppUpdateData>("AppUpdate", new { id = appId, input }, cancellationToken)).AppUpdate, "appUpdate").App!;

    public async Task<SaleorWebhook> WebhookCreateAsync(WebhookCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<WebhookCreateData>("WebhookCreate", new { input }, cancellationToken)).WebhookCreate, "webhookCreate").Webhook!;

    public async Task<SaleorWebhook> WebhookUpdateAsync(string id, WebhookUpdateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<WebhookUpdateData>("WebhookUpdate", new { id, input }, cancellationToken)).WebhookUpdate, "webhookUpdate").Webhook!;

    /// <summary>The deliveries Saleor made for a webhook, with their attempts (MANAGE_APPS or the owning app).</summary>
    public async Task<IReadOnlyList<EventDelivery>> WebhookDeliveriesAsync(string webhookId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<WebhookDeliveriesData>("WebhookDeliveries", new { id = webhookId }, cancellationToken)).Webhook?.EventDeliveries?.Nodes.ToList() ?? [];

    private sealed record AppsData(Connection<SaleorApp> Apps);
    private sealed record AppCreatePayload(string? AuthToken, SaleorApp? App) : SaleorMutationPayload;
    private sealed record AppCreateData(AppCreatePayload AppCreate);
    private sealed record AppTokenPayload(string? AuthToken, AppTokenRef? AppToken) : SaleorMutationPayload;
    private sealed record AppTokenCreateData(AppTokenPayload AppTokenCreate);
    private sealed record AppTokenDeleteData(AppTokenPayload AppTokenDelete);
    private sealed record AppUpdatePayload(SaleorApp? App) : SaleorMutationPayload;
    private sealed record AppUpdateData(AppUpdatePayload AppUpdate);
    private sealed record WebhookPayload(SaleorWebhook? Webhook) : SaleorMutationPayload;
    private sealed record WebhookCreateData(WebhookPayload WebhookCreate);
    private sealed record WebhookUpdateData(WebhookPayload WebhookUpdate);
    private sealed record WebhookWithDeliveries(string Id, Connection<EventDelivery>? EventDeliveries);
    private sealed record WebhookDeliveriesData(WebhookWithDeliveries? Webhook);
}
