using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using Gsv.Gateway.Apis;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Connectors;
using Gsv.Gateway.Problems;
using Gsv.ServiceDefaults.Authentication;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGsvAuthentication();
builder.AddGatewayAuthentication();
builder.AddRedisClient("redis");
builder.Services.AddControlPlaneClient();
builder.AddRunPipeline();
// Runs of instances with connectors call the buyer's tools through the Gateway's MCP endpoint.
builder.AddMcpTools();
// The Control Plane not answering (after retries) is a 503 the caller may retry, not a 500.
builder.Services.AddExceptionHandler<ControlPlaneUnavailableHandler>();
builder.Services.AddOpenApi();

var app = builder.Build();

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
app.MapRunsApi();
app.MapMcpTools();

app.Run();
