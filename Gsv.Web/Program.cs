using Gsv.Saleor;
using Gsv.Web.Apis;
using Gsv.Web.Authentication;
using Gsv.Web.Components;
using Gsv.Web.Marketplace;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGsvWebAuthentication();
builder.Services.AddAuthorization();
builder.Services.AddSaleorClient(builder.Configuration);
builder.Services.AddScoped<MarketplaceCatalog>();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapAccountApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();
