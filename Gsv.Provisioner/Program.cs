using Gsv.Provisioner.Data;
using Gsv.Provisioner.Extensions;
using Gsv.Shared;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProvisionerServices();

var app = builder.Build();
await app.MigrateDbContextAsync<ProvisionerDbContext>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapProvisionerApis();
app.Run();
