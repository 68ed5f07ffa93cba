using Gsv.Saleor;
using Gsv.Web.Account;
using Gsv.Web.Apis;
using Gsv.Web.Authentication;
using Gsv.Web.Commerce;
using Gsv.Web.Components;
using Gsv.Web.Content;
using Gsv.Web.Marketplace;
using Gsv.Web.Seller;

namespace Gsv.Web.Extensions;

public static class WebServiceExtensions
{
    /// <summary>Sign-in, the Saleor storefront, the CMS pages, the account and seller consoles, and the Blazor components.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        builder.AddGsvWebAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddSaleorClient(builder.Configuration);
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<MarketplaceCatalog>();
        builder.Services.AddSingleton<ProductListGeneration>();
        // Marketing pages from the headless CMS (Wagtail's API v2).
        builder.Services.AddHttpClient<WagtailClient>(http => http.BaseAddress = new Uri(WagtailClient.BaseAddress));
        builder.Services.AddGsvCommerce();
        builder.Services.AddGsvAccount();
        builder.Services.AddGsvSeller();
        // Circuit errors never carry exception details to the browser, whatever the environment.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(options => options.DetailedErrors = false);
        return builder;
    }

    /// <summary>The browser's JSON endpoints (account, cart, knowledge uploads), Saleor's product webhook and the pages.</summary>
    public static WebApplication MapWebEndpoints(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapAccountApi();
        app.MapCartApi();
        app.MapKnowledgeApi();
        app.MapProductWebhookApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
