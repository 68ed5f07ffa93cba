using Gsv.Saleor.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gsv.Saleor;

public static class SaleorServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SaleorClient"/> (anonymous, for storefront reads) against <c>Saleor:ApiUrl</c>, plus the
    /// webhook signature verifier against that Saleor's JWKS and the receiver every webhook endpoint starts with.
    /// </summary>
    public static IServiceCollection AddSaleorClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SaleorOptions>(configuration.GetSection(SaleorOptions.SectionName));
        services.AddHttpClient(nameof(SaleorClient));
        services.AddTransient(sp => new SaleorClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(SaleorClient)), ApiUrl(sp)));
        services.AddSingleton(sp => new SaleorJwks(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(SaleorJwks)), SaleorOptions.JwksUrlFor(ApiUrl(sp))));
        services.AddSingleton<SaleorWebhookVerifier>();
        services.AddSingleton<SaleorWebhookReceiver>();
        return services;
    }

    private static Uri ApiUrl(IServiceProvider services) =>
        services.GetRequiredService<IOptions<SaleorOptions>>().Value.ApiUrl
        ?? throw new InvalidOperationException("Saleor:ApiUrl is not configured.");
}
