using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Apis;
using Gsv.Provisioner.Catalog;
using Gsv.Provisioner.Data;
using Gsv.Provisioner.GitOps;
using Gsv.Provisioner.Inbox;
using Gsv.Provisioner.Observability;
using Gsv.Provisioner.Offerings;
using Gsv.Provisioner.Orders;
using Gsv.Provisioner.Reconciliation;
using Gsv.Provisioner.Sellers;
using Gsv.ServiceDefaults.Authentication;

namespace Gsv.Provisioner.Extensions;

public static class ProvisionerServiceExtensions
{
    /// <summary>
    /// The Provisioner's database, its clients (Control Plane, Langflow, Ragflow), the order inbox, the GitOps desired
    /// state and its reconciler, the Saleor catalog sync and the seller console.
    /// </summary>
    public static WebApplicationBuilder AddProvisionerServices(this WebApplicationBuilder builder)
    {
        builder.AddGsvAuthentication();
        // No EF retry strategy: the inbox worker holds its own transaction, and failed work is retried from the inbox.
        builder.AddNpgsqlDbContext<ProvisionerDbContext>("provisioner-db", settings => settings.DisableRetry = true);
        builder.Services.AddOpenApi();
        // Stopping must be quick (orchestrators kill slow processes); the inbox makes an abrupt stop safe anyway.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.AddSaleorCatalogBootstrap();

        builder.Services.AddSingleton<OfferingSyncState>();
        builder.Services.AddHostedService<OfferingSyncService>();
        builder.Services.AddHealthChecks().AddCheck<OfferingSyncHealthCheck>("offering-sync");
        builder.Services.AddControlPlaneClient();
        builder.Services.AddLangflowClient();
        builder.Services.AddRagflowClient();
        builder.Services.AddFlowTemplates();

        builder.Services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.SectionName);
        builder.Services.AddOptions<GitOpsOptions>().BindConfiguration(GitOpsOptions.SectionName);
        builder.Services.AddOptions<ReconcilerOptions>().BindConfiguration(ReconcilerOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<InboxSignal>();
        builder.Services.AddSingleton<ReconcilerSignal>();
        builder.Services.AddSingleton<ProvisionerMetrics>();
        builder.Services.AddSingleton<GitRepository>();
        builder.Services.AddSingleton<DesiredState>();
        builder.Services.AddScoped<InboxStore>();
        builder.Services.AddScoped<OrderProcessor>();
        builder.Services.AddScoped<InstanceProvisioning>();
        builder.Services.AddScoped<InstanceDeployer>();
        builder.Services.AddScoped<KnowledgeBaseDeployer>();
        builder.Services.AddScoped<SellerCatalog>();
        builder.Services.AddScoped<FlowUploads>();
        builder.Services.AddHostedService<InboxWorker>();
        // Recovers paid orders whose webhook never arrived (Saleor gave up on it, the Provisioner was down).
        builder.Services.AddOptions<PaidOrderPullOptions>().BindConfiguration(PaidOrderPullOptions.SectionName);
        builder.Services.AddSingleton<PaidOrderPuller>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<PaidOrderPuller>());
        builder.Services.AddHostedService<Reconciler>();
        return builder;
    }

    /// <summary>Saleor's webhooks, the admin and seller APIs, and the flow templates the Gateway reads.</summary>
    public static WebApplication MapProvisionerApis(this WebApplication app)
    {
        app.MapSaleorWebhookApi();
        app.MapWhoAmIApi();
        app.MapAdminApi();
        app.MapSellerApi();
        app.MapFlowTemplatesApi();
        return app;
    }
}
