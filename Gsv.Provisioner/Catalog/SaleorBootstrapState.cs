namespace Gsv.Provisioner.Catalog;

/// <summary>What the bootstrap left behind for the rest of the Provisioner: the app's token and its webhook.</summary>
public sealed class SaleorBootstrapState
{
    private readonly TaskCompletionSource<SaleorBootstrapResult> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SaleorBootstrapResult? Result => _completed.Task.IsCompletedSuccessfully ? _completed.Task.Result : null;

    public bool IsReady => Result is not null;

    public string? LastError { get; set; }

    /// <summary>Waits until the bootstrap has succeeded.</summary>
    public Task<SaleorBootstrapResult> WhenReadyAsync(CancellationToken cancellationToken = default) => _completed.Task.WaitAsync(cancellationToken);

    public void Complete(SaleorBootstrapResult result) => _completed.TrySetResult(result);
}

/// <param name="AppToken">The "GSV Provisioner" app's token (an app token never expires).</param>
/// <param name="ProductWebhookTargetUrl">Where Saleor sends product changes (the Web app); null when none is configured.</param>
public sealed record SaleorBootstrapResult(
    string ChannelSlug, string AppId, string AppToken, string WebhookId, string WebhookTargetUrl, int ProductCount, string? ProductWebhookTargetUrl = null);
