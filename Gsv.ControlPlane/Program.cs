using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Extensions;
using Gsv.Shared;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddControlPlaneServices();

var app = builder.Build();
await app.MigrateDbContextAsync<ControlPlaneDbContext>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}

app.MapDefaultEndpoints();
app.MapControlPlaneApis();
app.Run();
