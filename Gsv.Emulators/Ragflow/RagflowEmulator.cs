namespace Gsv.Emulators.Ragflow;

/// <summary>RAGFlow v0.27 stand-in (contracts/ragflow/README.md).</summary>
public static class RagflowEmulator
{
    public static WebApplicationBuilder AddRagflowEmulator(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapRagflowEmulator(this WebApplication app)
    {
        app.MapGet("/api/v1/system/healthz", () => Results.Json(new { db = "ok", redis = "ok", doc_engine = "ok", storage = "ok", status = "ok" }));
        app.MapGet("/api/v1/system/ping", () => Results.Text("pong", "text/plain"));
        return app;
    }
}
