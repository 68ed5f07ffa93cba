namespace Gsv.AppHost.Infrastructure;

/// <summary>Where the Control Plane sends its emails (SMTP), and the <c>mail</c> resource that receives them.</summary>
public sealed record MailServer(
    IResourceBuilder<IResourceWithEndpoints> Resource, ReferenceExpression Host, ReferenceExpression Port,
    IResourceBuilder<ParameterResource>? UserName, IResourceBuilder<ParameterResource>? Password);

/// <summary>
/// smtp4dev (an SMTP server that keeps what it receives, with a web UI and a REST API) as the <c>mail</c> resource:
/// in local mode the <c>Rnwood.Smtp4dev</c> .NET tool of the repository's tool manifest, on ports DCP allocates; in
/// containers mode the <c>rnwood/smtp4dev</c> image, with the relay the Control Plane uses as parameters
/// (<c>mail-host</c>, <c>mail-port</c>, <c>mail-user</c>, <c>mail-password</c>; by default that container).
/// </summary>
public static class MailExtensions
{
    public const string Name = "mail";
    public const string Image = "rnwood/smtp4dev";
    public const string Tag = "3.15.0";

    public static MailServer AddMail(this IDistributedApplicationBuilder builder, InfrastructureMode mode)
    {
        if (mode == InfrastructureMode.Local)
        {
            var local = builder.AddExecutable(Name, "dotnet", builder.AppHostDirectory)
                .WithHttpEndpoint(name: "http", isProxied: false)
                .WithEndpoint(name: "smtp", scheme: "tcp", isProxied: false);
            var http = local.GetEndpoint("http");
            var smtp = local.GetEndpoint("smtp");
            local.WithArgs(context =>
                {
                    // In-memory store, no IMAP/POP3, no per-user settings file: each start is clean and self-contained.
                    context.Args.Add("smtp4dev");
                    context.Args.Add(ReferenceExpression.Create($"--urls=http://127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"));
                    context.Args.Add(ReferenceExpression.Create($"--smtpport={smtp.Property(EndpointProperty.TargetPort)}"));
                    context.Args.Add("--db=");
                    context.Args.Add("--imapport=");
                    context.Args.Add("--pop3port=");
                    context.Args.Add("--nousersettings");
                    // The default keeps 100 per mailbox: a test run sends more than that.
                    context.Args.Add("--messagestokeep=100000");
                    context.Args.Add("--hostname=localhost");
                })
                .WithHttpHealthCheck("/api/server")
                .ExcludeFromManifest();
            return new MailServer(local, ReferenceExpression.Create($"127.0.0.1"), ReferenceExpression.Create($"{smtp.Property(EndpointProperty.Port)}"), null, null);
        }

        var container = builder.AddContainer(Name, Image, Tag)
            .WithHttpEndpoint(targetPort: 80, name: "http")
            .WithEndpoint(targetPort: 25, name: "smtp", scheme: "tcp")
            .WithEnvironment("ServerOptions__HostName", Name);
        var host = builder.AddParameterWithDefault("mail-host", Name, publishValueAsDefault: true);
        var port = builder.AddParameterWithDefault("mail-port", "25", publishValueAsDefault: true);
        var user = builder.AddParameterWithDefault("mail-user", "", publishValueAsDefault: true);
        var password = builder.AddParameterWithDefault("mail-password", "", secret: true);
        return new MailServer(container, ReferenceExpression.Create($"{host}"), ReferenceExpression.Create($"{port}"), user, password);
    }

    /// <summary>
    /// In local mode, smtp4dev starts once the services are healthy. Nothing waits for it: the Control Plane's outbox
    /// retries an email until the server takes it. Started beside the services, it took about 3.4 s of CPU (a
    /// .NET tool with a web UI) from the start they wait for on a 2-core machine (docs/benchmarks.md, platform start).
    /// </summary>
    public static void StartAfter(this MailServer mail, params IResourceBuilder<IResource>[] services)
    {
        // Local mode's smtp4dev is a program; the container (containers mode) starts with everything else.
        if (mail.Resource is not IResourceBuilder<ExecutableResource> local)
        {
            return;
        }

        foreach (var service in services)
        {
            local.WaitFor(service);
        }
    }

    /// <summary>Hands the service the SMTP server (<c>Mail__*</c>, read by the Control Plane's <c>MailOptions</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithMail(this IResourceBuilder<ProjectResource> service, MailServer mail)
    {
        service.WithEnvironment("Mail__Host", mail.Host).WithEnvironment("Mail__Port", mail.Port);
        if (mail.UserName is { } user && mail.Password is { } password)
        {
            service.WithEnvironment("Mail__UserName", user).WithEnvironment("Mail__Password", password);
        }

        return service;
    }
}
