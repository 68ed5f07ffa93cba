namespace Gsv.Emulators.Langflow;

/// <summary>Langflow 1.11 stand-in (contracts/langflow/README.md).</summary>
public static class LangflowEmulator
{
    public static WebApplicationBuilder AddLangflowEmulator(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapLangflowEmulator(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        app.MapGet("/health_check", () => Results.Json(new { status = "ok", chat = "ok", db = "ok" }));
        return app;
    }
}
