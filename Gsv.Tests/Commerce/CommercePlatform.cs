using Aspire.Hosting;
using Gsv.Saleor;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.Tests.Commerce;

/// <summary>Access to the running platform's Saleor (emulator in local mode) the way the services reach it.</summary>
internal static class CommercePlatform
{
    public const string Channel = "gsv";

    public static async Task<Dictionary<string, string>> ProvisionerEnvironmentAsync(PlatformFixture fixture)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var provisioner = model.Resources.OfType<IResourceWithEnvironment>().Single(r => r.Name == "provisioner");
#pragma warning disable CS0618 // the replacement builder API is more ceremony for the same values
        return await provisioner.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
    }

    public static SaleorClient Anonymous(PlatformFixture fixture)
    {
        var http = fixture.CreateHttpClient("saleor");
        return new SaleorClient(http, new Uri(http.BaseAddress!, "/graphql/"));
    }

    public static async Task<SaleorClient> StaffAsync(PlatformFixture fixture)
    {
        var env = await ProvisionerEnvironmentAsync(fixture);
        return Anonymous(fixture).WithTokens(new StaffTokenSource(env["Saleor__StaffEmail"], env["Saleor__StaffPassword"]));
    }

    /// <summary>Waits (bounded) until the Provisioner's /health says the Saleor bootstrap has finished.</summary>
    public static async Task WaitForBootstrapAsync(PlatformFixture fixture)
    {
        using var http = fixture.CreateHttpClient("provisioner");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
            {
                // A loaded machine can make one /health call outlast the client's timeout: keep polling until the deadline.
                last = e.Message;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"Provisioner never reported the Saleor bootstrap healthy: {last}");
    }

    public static async Task<List<CatalogProduct>> AllProductsAsync(SaleorClient client, ProductQuery? query = null, int pageSize = 100)
    {
        var products = new List<CatalogProduct>();
        await foreach (var product in client.ProductsAsync(Channel, query, pageSize))
        {
            products.Add(product);
        }

        return products;
    }
}
