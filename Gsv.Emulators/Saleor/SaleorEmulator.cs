namespace Gsv.Emulators.Saleor;

/// <summary>Saleor 3.23 stand-in (contracts/saleor/README.md).</summary>
public static class SaleorEmulator
{
    public static WebApplicationBuilder AddSaleorEmulator(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapSaleorEmulator(this WebApplication app)
    {
        // Saleor's ASGI health wrapper: 200 with an empty text/plain body.
        app.MapGet("/health/", () => Results.Text(string.Empty, "text/plain"));
        return app;
    }
}
