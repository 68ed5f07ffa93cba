using Gsv.Emulators.Ragflow.Api;
using Gsv.Emulators.Ragflow.Parsing;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow;

/// <summary>
/// RAGFlow v0.27 stand-in (contracts/ragflow/README.md), for one tenant whose API key is <c>RAGFLOW_API_KEY</c>:
/// <list type="bullet">
/// <item>Health (<c>/api/v1/system/healthz</c>, <c>/ping</c>, <c>/version</c>) without a key; everything else under
/// <c>/api/v1</c> needs <c>Authorization: Bearer &lt;key&gt;</c> (<see cref="RagflowApiKeyFilter"/>); an unknown route under
/// <c>/api</c> is RAGFlow's JSON 404.</item>
/// <item>Datasets (<see cref="DatasetsApi"/>), documents with multipart upload up to
/// <see cref="DocumentsApi.MaxUploadBytes"/> (<see cref="DocumentsApi"/>), asynchronous parsing
/// (<see cref="ParsingApi"/>, <see cref="ParseWorker"/>: txt, md, html, pdf → chunks; <c>Ragflow:ParseDelayMs</c>),
/// chunk lists (<see cref="ChunksApi"/>) and BM25 retrieval (<see cref="RetrievalApi"/>,
/// <see cref="Search.Bm25Ranker"/>).</item>
/// <item>Errors in RAGFlow's envelope on HTTP 200 with its codes (<see cref="RagflowErrorFilter"/>).</item>
/// <item>State in memory, or on disk under <c>Ragflow:DataPath</c> (<see cref="RagflowStore"/>).</item>
/// </list>
/// </summary>
public static class RagflowEmulator
{
    public const string Version = "v0.27.0";

    public static WebApplicationBuilder AddRagflowEmulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ParseQueue>();
        builder.Services.AddSingleton<RagflowStore>();
        builder.Services.AddSingleton<RagflowApiKeyFilter>();
        builder.Services.AddSingleton<RagflowErrorFilter>();
        builder.Services.AddHostedService<ParseWorker>();
        return builder;
    }

    public static WebApplication MapRagflowEmulator(this WebApplication app)
    {
        app.MapGet("/api/v1/system/healthz", () => Results.Json(new { db = "ok", redis = "ok", doc_engine = "ok", storage = "ok", status = "ok" }));
        app.MapGet("/v1/system/healthz", () => Results.Json(new { db = "ok", redis = "ok", doc_engine = "ok", storage = "ok", status = "ok" }));
        app.MapGet("/api/v1/system/ping", () => Results.Text("pong", "text/plain"));
        app.MapGet("/api/v1/system/version", () => RagflowEnvelope.Ok(Version));

        app.MapGroup("/api/v1")
            .AddEndpointFilter<RagflowApiKeyFilter>()
            .AddEndpointFilter<RagflowErrorFilter>()
            .MapDatasetsApi()
            .MapDocumentsApi()
            .MapParsingApi()
            .MapChunksApi()
            .MapRetrievalApi();

        app.MapFallback("/api/{**path}", (HttpContext context) =>
            RagflowEnvelope.Json(RagflowEnvelope.NotFound(context.Request.Path), StatusCodes.Status404NotFound));

        // The store loads persisted state (and re-queues interrupted parses) before the first request.
        app.Services.GetRequiredService<RagflowStore>();
        return app;
    }
}
