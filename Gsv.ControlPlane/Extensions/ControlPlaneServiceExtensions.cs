using Gsv.ControlPlane.Apis;
using Gsv.ControlPlane.Connectors;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Email;
using Gsv.ControlPlane.Knowledge;
using Gsv.ControlPlane.Services;
using Gsv.ServiceDefaults.Authentication;

namespace Gsv.ControlPlane.Extensions;

public static class ControlPlaneServiceExtensions
{
    /// <summary>The Control Plane's database, problems, ledger, instances, knowledge, connectors and background work.</summary>
    public static WebApplicationBuilder AddControlPlaneServices(this WebApplicationBuilder builder)
    {
        builder.AddGsvAuthentication();
        // No automatic retries: ledger and lifecycle changes run in explicit transactions that lock rows (a retrying
        // execution strategy refuses user-initiated transactions, and replaying them is the callers' idempotent job).
        builder.AddNpgsqlDbContext<ControlPlaneDbContext>("controlplane-db", settings => settings.DisableRetry = true);
        builder.Services.AddOpenApi();

        // ServiceDefaults registers problem details; the Control Plane gives the framework's own problems its codes.
        builder.Services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = FrameworkProblems.Customize);
        builder.Services.AddExceptionHandler<ControlPlaneExceptionHandler>();
        // Binding failures (bad JSON, a query value of the wrong type) are thrown in every environment, so the handler above
        // answers them with problem+json naming the field instead of an empty 400 here and a 500 there.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // The ceiling for any request; endpoints set lower limits (BodySizeLimit).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = BodySizeLimit.Service);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.SectionName);
        builder.Services.AddScoped<Caller>();
        builder.Services.AddScoped<UserDirectory>();
        builder.Services.AddScoped<LedgerService>();
        builder.Services.AddScoped<InstanceService>();
        builder.Services.AddScoped<ApiKeyService>();
        // RAGFlow holds each knowledge instance's documents (contracts/ragflow).
        builder.Services.AddRagflowClient();
        builder.Services.AddScoped<KnowledgeService>();
        builder.AddConnectors();
        builder.Services.AddOptions<StaleHoldOptions>().BindConfiguration(StaleHoldOptions.SectionName);
        builder.Services.AddHostedService<StaleHoldSweeper>();
        builder.Services.AddOptions<MailOptions>().BindConfiguration(MailOptions.SectionName);
        builder.Services.AddHostedService<EmailOutboxSender>();
        return builder;
    }

    /// <summary>The public API (<c>/api/v1</c>: buyers, knowledge, connectors) and the internal one (<c>/internal/v1</c>: services).</summary>
    public static WebApplication MapControlPlaneApis(this WebApplication app)
    {
        app.MapPublicApi();
        app.MapKnowledgeApi();
        app.MapConnectorsApi();
        app.MapInternalApi();
        return app;
    }
}
