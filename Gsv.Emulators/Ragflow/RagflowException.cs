namespace Gsv.Emulators.Ragflow;

/// <summary>
/// A request RAGFlow refuses: its <c>code</c> and <c>message</c> become the error envelope, on HTTP 200 as RAGFlow
/// answers (<see cref="RagflowErrorFilter"/>). <see cref="Payload"/> is the envelope's <c>data</c> (usually null).
/// </summary>
public sealed class RagflowException(int code, string message, System.Text.Json.Nodes.JsonNode? data = null) : Exception(message)
{
    public int Code { get; } = code;

    public System.Text.Json.Nodes.JsonNode? Payload { get; } = data;

    /// <summary>101, request validation.</summary>
    public static RagflowException Argument(string message) => new(RagflowCodes.ArgumentError, message);

    /// <summary>102, not found / not owned, the default error code.</summary>
    public static RagflowException DataError(string message) => new(RagflowCodes.DataError, message);

    /// <summary>101 in pydantic's words: <c>Field: &lt;name&gt; - Message: &lt;…&gt; - Value: &lt;…&gt;</c>.</summary>
    public static RagflowException Field(string field, string message, object? value) =>
        Argument($"Field: <{field}> - Message: <{message}> - Value: <{value}>");

    public static RagflowException NotOwnedDataset(string datasetId) => DataError($"You don't own the dataset {datasetId}.");
}
