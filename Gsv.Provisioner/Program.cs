using Gsv.ServiceDefaults.Authentication;
using Gsv.Provisioner.Apis;
using Gsv.Provisioner.Catalog;
using Gsv.Provisioner.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGsvAuthentication();
builder.AddNpgsqlDbContext<ProvisionerDbContext>("provisioner-db");
builder.Services.AddOpenApi();
builder.AddSaleorCatalogBootstrap();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapWhoAmIApi();

app.Run();
