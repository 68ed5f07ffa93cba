using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gsv.Tests.Infrastructure;

/// <summary>
/// A small HTTP server on 127.0.0.1, on a free port, for a test that needs something to call (a webhook receiver, an
/// MCP server, a protected API): the test adds its services and maps its routes.
/// </summary>
internal static class LoopbackHttpServer
{
    public static async Task<WebApplication> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>The server's address with <paramref name="path"/>.</summary>
    public static Uri Url(this WebApplication app, string path = "/") =>
        new(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), path);
}
