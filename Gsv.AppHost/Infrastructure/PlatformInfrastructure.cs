namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// The resources the GSV services depend on, the same in both infrastructure modes:
/// the services are wired to these and cannot tell which mode built them.
/// </summary>
public sealed record PlatformInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> ControlPlaneDatabase,
    IResourceBuilder<IResourceWithConnectionString> ProvisionerDatabase,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithEndpoints> Keycloak,
    IResourceBuilder<IResourceWithEndpoints> Saleor,
    IResourceBuilder<IResourceWithEndpoints> Langflow,
    IResourceBuilder<IResourceWithEndpoints> Ragflow,
    IResourceBuilder<IResourceWithEndpoints> Cms,
    ReferenceExpression SaleorApiUrl,
    // A GSV service's address as the infrastructure reaches it: Saleor's webhooks, Langflow's MCP tool calls.
    Func<EndpointReference, ReferenceExpression> UrlSeenByContainers)
{
    public EndpointReference KeycloakHttp => Keycloak.GetEndpoint("http");
    public EndpointReference SaleorHttp => Saleor.GetEndpoint("http");
    public EndpointReference LangflowHttp => Langflow.GetEndpoint("http");
    public EndpointReference RagflowHttp => Ragflow.GetEndpoint("http");
    /// <summary>The headless CMS (Wagtail's API v2) the Web app reads its marketing pages from.</summary>
    public EndpointReference CmsHttp => Cms.GetEndpoint("http");
}
