namespace Gsv.Emulators.Keycloak;

/// <summary>Keycloak stand-in (contracts/keycloak/README.md).</summary>
public static class KeycloakEmulator
{
    public static WebApplicationBuilder AddKeycloakEmulator(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapKeycloakEmulator(this WebApplication app)
    {
        // Keycloak ≥ 25 answers these on its management port; the emulator has one port and answers them there.
        var up = new { status = "UP", checks = Array.Empty<object>() };
        app.MapGet("/health", () => Results.Json(up));
        app.MapGet("/health/ready", () => Results.Json(up));
        app.MapGet("/health/live", () => Results.Json(up));
        app.MapGet("/health/started", () => Results.Json(up));
        return app;
    }
}
