using Gsv.Emulators.Saleor;

namespace Gsv.Emulators.Saleor;

/// <summary>Saleor 3.23 stand-in (contracts/saleor/README.md): GraphQL API on the real schema, JWKS, signed webhooks.</summary>
public static class SaleorEmulator
{
    public static WebApplicationBuilder AddSaleorEmulator(this WebApplicationBuilder builder)
    {
        var options = SaleorEmulatorOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => SaleorSchema.Create());
        builder.Services.AddSingleton(_ => Seed(options));
        builder.Services.AddSingleton<SaleorSigningKey>();
        builder.Services.AddSingleton<SaleorViews>();
        builder.Services.AddSingleton<SaleorQueries>();
        builder.Services.AddSingleton<SaleorMutations>();
        builder.Services.AddSingleton<SaleorGraphQLEndpoint>();
        builder.Services.AddSingleton<SaleorWebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SaleorWebhookDispatcher>());
        // Saleor does not follow redirects on webhook deliveries; 2 s connect, 18 s read.
        builder.Services.AddHttpClient(nameof(SaleorWebhookDispatcher))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    public static WebApplication MapSaleorEmulator(this WebApplication app)
    {
        // Saleor's ASGI health wrapper: 200 with an empty text/plain body.
        app.MapGet("/health/", () => Results.Text(string.Empty, "text/plain"));
        app.MapGet("/.well-known/jwks.json", (SaleorSigningKey key) => Results.Json(key.Jwks));
        app.MapPost("/graphql/", (HttpContext http, SaleorGraphQLEndpoint endpoint) => endpoint.HandleAsync(http));
        // Build the schema now rather than on the first request (it takes a few seconds).
        _ = app.Services.GetRequiredService<SaleorGraphQLEndpoint>();
        return app;
    }

    /// <summary>What `createsuperuser` leaves in a fresh database: the staff user from the environment.</summary>
    private static SaleorStore Seed(SaleorEmulatorOptions options)
    {
        var store = new SaleorStore();
        if (!string.IsNullOrEmpty(options.StaffEmail) && !string.IsNullOrEmpty(options.StaffPassword))
        {
            store.Users.Add(new UserRow { Pk = store.NextPk(), Email = options.StaffEmail, Password = options.StaffPassword, IsStaff = true });
        }

        return store;
    }
}
