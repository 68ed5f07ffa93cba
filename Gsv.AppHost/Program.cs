using Gsv.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

var mode = InfrastructureModeResolver.Resolve(builder);
var secrets = PlatformSecrets.Add(builder);
var postgresPassword = builder.AddParameter("postgres-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
var infra = mode == InfrastructureMode.Local
    ? builder.AddLocalInfrastructure(secrets, postgresPassword)
    : builder.AddContainerInfrastructure(secrets, postgresPassword);
// The SMTP server of the low-credit emails (smtp4dev; a real relay in production, see MailExtensions).
var mail = builder.AddMail(mode);

// Services called by other services are reached directly in local mode (DirectEndpointExtensions); the Web front
// end keeps its fixed address for the browser.
var controlPlane = builder.AddProject<Projects.Gsv_ControlPlane>("controlplane")
    .WithBuiltProgram(mode)
    .WithDirectEndpoints(mode)
    .WithReadinessHealthCheck("/health")
    .WithReference(infra.ControlPlaneDatabase).WaitFor(infra.ControlPlaneDatabase)
    .WithKeycloak(infra.Keycloak)
    .WithReference(infra.RagflowHttp).WaitFor(infra.Ragflow)
    .WithEnvironment("Ragflow__ApiKey", secrets.RagflowApiKey)
    .WithMail(mail);

// Runs a workspace may start per minute through the gateway (the benchmark raises it).
var gatewayRunsPerMinute = builder.AddParameterWithDefault("gateway-runs-per-minute", "600", publishValueAsDefault: true);
var gateway = builder.AddProject<Projects.Gsv_Gateway>("gateway")
    .WithBuiltProgram(mode)
    .WithDirectEndpoints(mode)
    .WithReadinessHealthCheck("/health")
    .WithReference(infra.Redis).WaitFor(infra.Redis)
    .WithReference(controlPlane).WaitFor(controlPlane)
    .WithReference(infra.LangflowHttp).WaitFor(infra.Langflow)
    .WithEnvironment("Langflow__ApiKey", secrets.LangflowApiKey)
    // Knowledge instances' runs retrieve passages of the buyer's documents.
    .WithReference(infra.RagflowHttp).WaitFor(infra.Ragflow)
    .WithEnvironment("Ragflow__ApiKey", secrets.RagflowApiKey)
    .WithEnvironment("Gateway__RunsPerMinute", gatewayRunsPerMinute)
    // Runs of instances with connectors: Langflow calls the buyer's tools at the gateway's /mcp with a run token.
    .WithEnvironment("Gateway__RunTokenKey", secrets.RunTokenKey)
    .WithKeycloak(infra.Keycloak, "gsv-gateway", secrets.GatewayClientSecret);
if (mode == InfrastructureMode.Containers)
{
    // Langflow's container reaches the gateway at its public address. (In local mode the gateway gives its own
    // listening address: its proxyless port is only known once it starts.)
    gateway.WithEnvironment("Gateway__McpUrl", ReferenceExpression.Create($"{infra.UrlSeenByContainers(gateway.GetEndpoint("http"))}/mcp"));
}

var provisioner = builder.AddProject<Projects.Gsv_Provisioner>("provisioner")
    .WithBuiltProgram(mode)
    .WithDirectEndpoints(mode)
    .WithReadinessHealthCheck("/health")
    .WithReference(infra.ProvisionerDatabase).WaitFor(infra.ProvisionerDatabase)
    .WithReference(controlPlane).WaitFor(controlPlane)
    .WithReference(infra.SaleorHttp).WaitFor(infra.Saleor)
    .WithReference(infra.LangflowHttp).WaitFor(infra.Langflow)
    .WithReference(infra.RagflowHttp).WaitFor(infra.Ragflow)
    .WithEnvironment("Saleor__ApiUrl", infra.SaleorApiUrl)
    .WithEnvironment("Saleor__StaffEmail", SaleorContainerExtensions.StaffEmail)
    .WithEnvironment("Saleor__StaffPassword", secrets.SaleorAdminPassword)
    .WithEnvironment("Langflow__ApiKey", secrets.LangflowApiKey)
    .WithEnvironment("Ragflow__ApiKey", secrets.RagflowApiKey)
    .WithKeycloak(infra.Keycloak, "gsv-provisioner", secrets.ProvisionerClientSecret);
provisioner.WithEnvironment("Provisioner__PublicUrl", infra.UrlSeenByContainers(provisioner.GetEndpoint("http")));
// Runs of offerings whose flow template a seller uploaded: the gateway reads it from the Provisioner (not waited for).
gateway.WithReference(provisioner);
if (mode == InfrastructureMode.Local)
{
    // Everything runs on this machine: connectors may call upstreams on loopback (in containers mode, public addresses only).
    controlPlane.WithEnvironment("Connectors__AllowPrivateNetworks", "true");
    // The GitOps desired-state repository: a local git repository beside the other local data (tests get a fresh one).
    provisioner.WithEnvironment("GitOps__RepositoryPath", Path.Combine(LocalDataSettings.From(builder).Root, "gitops"));
}

var web = builder.AddProject<Projects.Gsv_Web>("web")
    .WithBuiltProgram(mode)
    .WithReadinessHealthCheck("/health")
    .WithExternalHttpEndpoints()
    .WithReference(controlPlane).WaitFor(controlPlane)
    // Runs start at the gateway, when a buyer asks for one (not waited for: it starts beside the Web app).
    .WithReference(gateway)
    // The seller console calls the Provisioner's seller API (not waited for: the storefront works without it).
    .WithReference(provisioner)
    .WithReference(infra.SaleorHttp).WaitFor(infra.Saleor)
    // Marketing pages (home, pricing, solutions, blog) from the headless CMS's API v2.
    .WithReference(infra.CmsHttp).WaitFor(infra.Cms)
    .WithEnvironment("Saleor__ApiUrl", infra.SaleorApiUrl)
    // Server-side only: the order confirmation page reads the buyer's order (Saleor lets only staff read orders).
    .WithEnvironment("Saleor__StaffEmail", SaleorContainerExtensions.StaffEmail)
    .WithEnvironment("Saleor__StaffPassword", secrets.SaleorAdminPassword)
    .WithKeycloak(infra.Keycloak, "gsv-web", secrets.WebClientSecret);
infra.Keycloak.WithWebFrontEnd(builder, web.GetEndpoint("http"));
// The Provisioner registers the Web app's webhook for product changes (they refresh its cached product lists).
provisioner.WithEnvironment("Provisioner__WebPublicUrl", infra.UrlSeenByContainers(web.GetEndpoint("http")));

builder.WithServiceEnvironment(mode, controlPlane, gateway, provisioner, web);
mail.StartAfter(controlPlane, gateway, provisioner, web);

builder.Build().Run();
