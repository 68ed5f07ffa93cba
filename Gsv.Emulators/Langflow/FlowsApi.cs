using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.Emulators.Langflow;

/// <summary>Flow management (<c>/api/v1/flows/</c>, contract §3): create, read, list, delete.</summary>
public static partial class FlowsApi
{
    public static RouteGroupBuilder MapFlowsApi(this RouteGroupBuilder api)
    {
        var flows = api.MapGroup("/flows");
        flows.MapPost("/", CreateAsync);
        flows.MapGet("/", List);
        flows.MapGet("/{flowId}", Get);
        flows.MapDelete("/{flowId}", Delete);
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, FlowStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await LangflowErrors.ReadObjectAsync(request, required: true, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = Validate(body!);
        if (errors.Count > 0)
        {
            return LangflowErrors.Validation([.. errors]);
        }

        var (outcome, flow) = store.Create(body!);
        return outcome == FlowStore.CreateOutcome.Created
            ? Results.Json(flow, statusCode: StatusCodes.Status201Created)
            : LangflowErrors.Detail(StatusCodes.Status409Conflict, "Flow with this ID already exists");
    }

    /// <summary>The <c>FlowCreate</c> validators that matter: name required, data with nodes and edges, endpoint name pattern.</summary>
    private static List<JsonObject> Validate(JsonObject body)
    {
        var errors = new List<JsonObject>();
        if (body["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(body.ContainsKey("name") && body["name"] is not null
                ? LangflowErrors.ValidationError("string_type", ["body", "name"], "Input should be a valid string", body["name"])
                : LangflowErrors.ValidationError("missing", ["body", "name"], "Field required", body));
        }

        switch (body["data"])
        {
            case null:
                break;
            case JsonObject data when !data.ContainsKey("nodes"):
                errors.Add(ValueError("data", "Flow must have nodes", data));
                break;
            case JsonObject data when !data.ContainsKey("edges"):
                errors.Add(ValueError("data", "Flow must have edges", data));
                break;
            case JsonObject:
                break;
            case var other:
                errors.Add(LangflowErrors.ValidationError("dict_type", ["body", "data"], "Input should be a valid dictionary", other));
                break;
        }

        if (body["endpoint_name"] is JsonValue endpoint && endpoint.GetValueKind() == JsonValueKind.String
            && !EndpointNamePattern().IsMatch(endpoint.GetValue<string>()))
        {
            errors.Add(ValueError("endpoint_name", "Endpoint name must only contain letters, numbers, hyphens, and underscores", endpoint));
        }

        if (body["id"] is JsonValue id && !Guid.TryParse(id.ToString(), out _))
        {
            errors.Add(LangflowErrors.ValidationError("uuid_parsing", ["body", "id"], "Input should be a valid UUID", id));
        }

        return errors;
    }

    private static JsonObject ValueError(string field, string message, JsonNode? input) =>
        LangflowErrors.ValidationError("value_error", ["body", field], $"Value error, {message}", input, new JsonObject { ["error"] = new JsonObject() });

    /// <summary>
    /// <c>get_all=true</c> (the default) answers a gzip body with <c>Content-Encoding: gzip</c> whatever the request
    /// asked, as Langflow's <c>compress_response</c> does; <c>get_all=false</c> answers a page.
    /// </summary>
    private static IResult List(HttpContext context, FlowStore store,
        [FromQuery(Name = "get_all")] bool? getAll, [FromQuery(Name = "folder_id")] Guid? folderId, int? page, int? size)
    {
        var flows = store.List().Where(f => folderId is null || (string?)f["folder_id"] == folderId.ToString()).ToList();
        if (getAll == false)
        {
            var pageNumber = Math.Max(page ?? 1, 1);
            var pageSize = Math.Clamp(size ?? 50, 1, 100);
            return Results.Json(new JsonObject
            {
                ["items"] = new JsonArray([.. flows.Skip((pageNumber - 1) * pageSize).Take(pageSize)]),
                ["total"] = flows.Count,
                ["page"] = pageNumber,
                ["size"] = pageSize,
                ["pages"] = (flows.Count + pageSize - 1) / pageSize,
            });
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new JsonArray([.. flows]));
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        context.Response.Headers.ContentEncoding = "gzip";
        return Results.Bytes(buffer.ToArray(), "application/json");
    }

    private static IResult Get(string flowId, FlowStore store) =>
        ParseId(flowId, out var id, out var invalid) ? store.Get(id) is { } flow ? Results.Json(flow) : LangflowErrors.FlowNotFound() : invalid!;

    private static IResult Delete(string flowId, FlowStore store) =>
        ParseId(flowId, out var id, out var invalid)
            ? store.Delete(id) ? Results.Json(new { message = "Flow deleted successfully" }) : LangflowErrors.FlowNotFound()
            : invalid!;

    /// <summary>The path parameter is a UUID in Langflow; anything else fails FastAPI's validation (422).</summary>
    private static bool ParseId(string value, out Guid id, out IResult? invalid)
    {
        invalid = Guid.TryParse(value, out id)
            ? null
            : LangflowErrors.Validation(LangflowErrors.ValidationError("uuid_parsing", ["path", "flow_id"], "Input should be a valid UUID", value));
        return invalid is null;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex EndpointNamePattern();
}
