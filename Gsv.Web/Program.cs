using Gsv.Saleor;
using Gsv.ServiceDefaults.Problems;
using Gsv.Web;
using Gsv.Web.Account;
using Gsv.Web.Apis;
using Gsv.Web.Authentication;
using Gsv.Web.Commerce;
using Gsv.Web.Components;
using Gsv.Web.Content;
using Gsv.Web.Marketplace;
using Gsv.Web.Seller;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
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

var app = builder.Build();

// First in the pipeline in every environment: no exception (stack, request headers) reaches a client.
app.UseSafeExceptionResponses();
app.UseSecurityHeaders();

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapAccountApi();
app.MapCartApi();
app.MapKnowledgeApi();
app.MapProductWebhookApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();
