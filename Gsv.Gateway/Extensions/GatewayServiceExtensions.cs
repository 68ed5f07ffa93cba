using Gsv.ControlPlane.Client;
using Gsv.Gateway.Apis;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Connectors;
using Gsv.Gateway.Problems;
using Gsv.ServiceDefaults.Authentication;

namespace Gsv.Gateway.Extensions;

public static class GatewayServiceExtensions
{
    /// <summary>The Gateway's callers (tokens and API keys), Redis, the Control Plane client, the run pipeline and the MCP tools.</summary>
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
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
        return builder;
    }

    /// <summary>The runs API (<c>/v1</c>) and the MCP endpoint runs call their tools through.</summary>
    public static WebApplication MapGatewayApis(this WebApplication app)
    {
        app.MapRunsApi();
        app.MapMcpTools();
        return app;
    }
}
