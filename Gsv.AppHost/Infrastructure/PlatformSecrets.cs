namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Secrets shared by both modes. Each is an Aspire parameter (overridable with
/// <c>--Parameters:name=value</c> or user secrets); none is a literal in the manifest.
/// </summary>
public sealed record PlatformSecrets(
    IResourceBuilder<ParameterResource> WebClientSecret,
    IResourceBuilder<ParameterResource> ProvisionerClientSecret,
    IResourceBuilder<ParameterResource> GatewayClientSecret,
    IResourceBuilder<ParameterResource> KeycloakAdminPassword,
    IResourceBuilder<ParameterResource> DemoBuyerPassword,
    IResourceBuilder<ParameterResource> DemoAdminPassword,
    IResourceBuilder<ParameterResource> SaleorAdminPassword,
    IResourceBuilder<ParameterResource> LangflowApiKey,
    IResourceBuilder<ParameterResource> RagflowApiKey,
    IResourceBuilder<ParameterResource> OpenAiApiKey,
    IResourceBuilder<ParameterResource> RunTokenKey)
{
    /// <summary>Development defaults for the demo users, documented in the README.</summary>
    public const string DefaultDemoBuyerPassword = "buyer-dev-password";
    public const string DefaultDemoAdminPassword = "admin-dev-password";

    public static PlatformSecrets Add(IDistributedApplicationBuilder builder)
    {
        IResourceBuilder<ParameterResource> Generated(string name) =>
            builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

        return new PlatformSecrets(
            WebClientSecret: Generated("keycloak-web-client-secret"),
            ProvisionerClientSecret: Generated("keycloak-provisioner-client-secret"),
            GatewayClientSecret: Generated("keycloak-gateway-client-secret"),
            KeycloakAdminPassword: Generated("keycloak-admin-password"),
            DemoBuyerPassword: builder.AddParameterWithDefault("demo-buyer-password", DefaultDemoBuyerPassword, secret: true),
            DemoAdminPassword: builder.AddParameterWithDefault("demo-admin-password", DefaultDemoAdminPassword, secret: true),
            SaleorAdminPassword: Generated("saleor-admin-password"),
            LangflowApiKey: Generated("langflow-api-key"),
            RagflowApiKey: Generated("ragflow-api-key"),
            // The flows' models read it from the Langflow global variable OPENAI_API_KEY. The local emulator needs only
            // that it exists; a deployment sets the real key (--Parameters:openai-api-key or the manifest's input).
            OpenAiApiKey: builder.AddParameterWithDefault("openai-api-key", "sk-local-emulator-has-no-model", secret: true),
            // Signs the gateway's short-lived run tokens (MCP tool calls); shared by every gateway replica.
            RunTokenKey: Generated("gateway-run-token-key"));
    }
}
