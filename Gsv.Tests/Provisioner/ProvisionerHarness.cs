using System.Diagnostics;
using System.Net.Http.Headers;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Saleor;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// What the Provisioner tests drive and observe, all through the running platform's real interfaces: Saleor's GraphQL
/// API (checkout with the dummy gateway, webhooks), the Control Plane's internal API (service token), Langflow's API
/// (API key), the GitOps repository (git) and the Provisioner's own database (its inbox).
/// </summary>
public sealed class ProvisionerHarness(PlatformFixture platform)
{
    public const string Channel = "gsv";
    public const string StaffEmail = "admin@gsv.local";
    public const string OrderPaidPath = "/webhooks/saleor/order-paid";
    public const string ProvisionerWebhookName = "gsv-order-fully-paid";

    public static readonly TimeSpan ProvisioningTimeout = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private string? _serviceToken;
    private DateTimeOffset _serviceTokenAt;

    public PlatformFixture Platform => platform;

    public Uri SaleorApiUrl => new(platform.App.GetEndpoint("saleor", "http"), "/graphql/");

    public string GitOpsRepository => Path.Combine(platform.DataPath, "gitops");

    public SaleorClient Storefront() => new(platform.CreateHttpClient("saleor"), SaleorApiUrl);

    public async Task<SaleorClient> StaffAsync() =>
        new(platform.CreateHttpClient("saleor"), SaleorApiUrl, new StaffTokenSource(StaffEmail, await platform.Identity.GetParameterAsync("saleor-admin-password")));

    public HttpClient Provisioner() => platform.CreateHttpClient("provisioner");

    /// <summary>A buyer's checkout of the given products, paid with the dummy gateway's <c>fully-charged</c> token.</summary>
    public Task<SaleorOrder> BuyAsync(string email, params (string Slug, int Quantity)[] items) =>
        CheckoutAsync(email, SaleorClient.DummyFullyCharged, items);

    /// <summary>A checkout completed with the dummy gateway's <paramref name="paymentToken"/> (e.g. <c>pending</c>: an unpaid order).</summary>
    public async Task<SaleorOrder> CheckoutAsync(string email, string paymentToken, params (string Slug, int Quantity)[] items)
    {
        var saleor = Storefront();
        var lines = new List<CheckoutLineInput>();
        foreach (var (slug, quantity) in items)
        {
            var product = await saleor.ProductAsync(slug, Channel) ?? throw new InvalidOperationException($"Product {slug} is not in channel {Channel}.");
            lines.Add(new CheckoutLineInput(product.Variants![0].Id, quantity));
        }

        var checkout = await saleor.CheckoutCreateAsync(new CheckoutCreateInput(Channel, lines, email));
        checkout = await saleor.CheckoutBillingAddressUpdateAsync(checkout.Id, new AddressInput(FirstName: "Test", LastName: "Buyer", Country: "US"), checkRequiredFields: false);
        await saleor.CheckoutPaymentCreateAsync(checkout.Id, SaleorClient.DummyGateway, paymentToken, checkout.TotalPrice.Gross.Amount);
        return await saleor.CheckoutCompleteAsync(checkout.Id);
    }

    public static string NewEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}@test.gsv.local";

    public async Task<ControlPlaneClient> ControlPlaneAsync()
    {
        var http = platform.CreateHttpClient("controlplane");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ServiceTokenAsync());
        return new ControlPlaneClient(http);
    }

    private async Task<string> ServiceTokenAsync()
    {
        await _tokenGate.WaitAsync();
        try
        {
            if (_serviceToken is null || DateTimeOffset.UtcNow - _serviceTokenAt > TimeSpan.FromMinutes(1))
            {
                _serviceToken = await platform.Identity.GetServiceTokenAsync("gsv-provisioner");
                _serviceTokenAt = DateTimeOffset.UtcNow;
            }

            return _serviceToken;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    /// <summary>The buyer's personal workspace (found or created by e-mail, exactly as the Provisioner resolves buyers).</summary>
    public async Task<Guid> WorkspaceOfAsync(string email) => (await (await ControlPlaneAsync()).FindOrCreateUserAsync(email)).WorkspaceId;

    public async Task<IReadOnlyList<InstanceDto>> InstancesOfOrderAsync(Guid workspaceId, string orderId) =>
        [.. (await (await ControlPlaneAsync()).ListInstancesAsync(Enum.GetValues<InstanceState>(), workspaceId)).Where(i => i.OrderId == orderId)];

    /// <summary>Polls until the order's instance satisfies <paramref name="condition"/>; fails with the last state seen.</summary>
    public async Task<InstanceDto> WaitForInstanceAsync(Guid workspaceId, string orderId, Func<InstanceDto, bool> condition, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        var deadline = Stopwatch.StartNew();
        InstanceDto? last = null;
        Exception? lastError = null;
        while (deadline.Elapsed < (timeout ?? ProvisioningTimeout))
        {
            try
            {
                last = (await InstancesOfOrderAsync(workspaceId, orderId)).SingleOrDefault();
                if (last is not null && condition(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or ControlPlaneProblemException or TaskCanceledException)
            {
                lastError = e; // the Control Plane or Keycloak briefly busy: keep polling until the deadline
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException(
            $"Order {orderId}: instance did not reach the expected state within {timeout ?? ProvisioningTimeout}; last seen "
            + (last is null ? "none" : $"{last.State} (lastError: {last.LastError})") + (lastError is null ? "" : $"; last poll error: {lastError.Message}"));
    }

    public async Task<WalletDto> WalletAsync(Guid workspaceId) =>
        await (await ControlPlaneAsync()).GetWalletAsync(workspaceId) ?? throw new InvalidOperationException($"No wallet for {workspaceId}.");

    public async Task<LangflowClient> LangflowAsync()
    {
        var http = platform.CreateHttpClient("langflow");
        http.DefaultRequestHeaders.Add("x-api-key", await platform.Identity.GetParameterAsync("langflow-api-key"));
        return new LangflowClient(http);
    }

    /// <summary>The inbox rows (status, attempts) recorded for an order, read from the Provisioner's database.</summary>
    public async Task<IReadOnlyList<(string Status, int Attempts, string? LastError)>> InboxRowsAsync(string orderId)
    {
        await using var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("provisioner-db"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, attempts, last_error FROM inbox_messages WHERE order_id = @id", connection);
        command.Parameters.AddWithValue("id", orderId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>Runs git in the GitOps repository and returns its output.</summary>
    public async Task<string> GitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = GitOpsRepository, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }

    /// <summary>git in the repository the Provisioner also writes to: a busy index (index.lock) is retried briefly.</summary>
    public async Task<string> GitWithRetryAsync(params string[] arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await GitAsync(arguments);
            }
            catch (InvalidOperationException e) when (attempt < 10 && e.Message.Contains("index.lock", StringComparison.Ordinal))
            {
                await Task.Delay(200);
            }
        }
    }

    public Task StopResourceAsync(string resource) => platform.StopResourceAsync(resource);

    public Task StartResourceAsync(string resource) => platform.StartResourceAsync(resource);

    /// <summary>Replays a captured delivery to the Provisioner, optionally changing its body or headers.</summary>
    public async Task<HttpResponseMessage> DeliverAsync(CapturedDelivery delivery, byte[]? body = null, IReadOnlyDictionary<string, string?>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, OrderPaidPath) { Content = new ByteArrayContent(body ?? delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in delivery.Headers)
        {
            if (name.StartsWith("Saleor-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-Saleor-", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string?>())
        {
            request.Headers.Remove(name);
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var provisioner = Provisioner();
        return await provisioner.SendAsync(request);
    }
}
