using System.Text.Json.Nodes;

namespace Gsv.Langflow;

/// <summary><c>FlowCreate</c> for <c>POST /api/v1/flows/</c>; <see cref="Data"/> must hold <c>nodes</c> and <c>edges</c>.</summary>
public sealed record FlowCreate(
    string Name,
    JsonObject? Data = null,
    string? Description = null,
    string? EndpointName = null,
    Guid? FolderId = null,
    IReadOnlyList<string>? Tags = null,
    string? Icon = null,
    bool? IsComponent = null);

/// <summary>
/// <c>FlowRead</c>. Langflow renames a taken <see cref="Name"/> (<c>"x (1)"</c>) and <see cref="EndpointName"/>
/// (<c>"x-1"</c>) on create, so address flows by <see cref="Id"/> or by the endpoint name returned here.
/// </summary>
public sealed record FlowRead(
    Guid Id,
    string Name,
    string? Description,
    string? EndpointName,
    JsonObject? Data,
    Guid? UserId,
    Guid? FolderId,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<string>? Tags,
    bool? IsComponent,
    bool? Locked,
    string? AccessType);
