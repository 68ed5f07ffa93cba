using Gsv.ControlPlane.Data;
using Microsoft.AspNetCore.DataProtection;

namespace Gsv.ControlPlane.Connectors;

public static class ConnectorServiceExtensions
{
    /// <summary>
    /// The connector catalog, bindings with secrets under Data Protection (key ring in the Control Plane's database, so
    /// every replica decrypts what another encrypted), tool calls, and the HTTP client they use (<c>Connectors:*</c>).
    /// </summary>
    public static WebApplicationBuilder AddConnectors(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("gsv-control-plane").PersistKeysToDbContext<ControlPlaneDbContext>();
        builder.Services.AddOptions<ConnectorOptions>().BindConfiguration(ConnectorOptions.SectionName)
            .Validate(o => o.Timeout > TimeSpan.Zero, "Connectors:Timeout must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<IConnector, GitHubConnector>();
        builder.Services.AddSingleton<IConnector, SlackConnector>();
        builder.Services.AddSingleton<IConnector, HttpApiConnector>();
        builder.Services.AddSingleton<ConnectorCatalog>();
        builder.Services.AddSingleton<ConnectorSecrets>();
        builder.Services.AddSingleton<ConnectorUpstreams>();
        ConnectorUpstreams.AddHttpClient(builder.Services);
        builder.Services.AddScoped<ConnectorBindings>();
        builder.Services.AddScoped<ToolCalls>();
        return builder;
    }
}
