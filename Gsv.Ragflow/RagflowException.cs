using System.Net;

namespace Gsv.Ragflow;

/// <summary>
/// RAGFlow refused or failed a call: a non-zero envelope <c>code</c> (usually on HTTP 200, see contracts/ragflow §2) with
/// its <c>message</c>, or a non-success HTTP status without an envelope.
/// </summary>
public sealed class RagflowException(int code, string message, HttpStatusCode statusCode)
    : Exception($"RAGFlow answered code {code}: {message}")
{
    /// <summary>RAGFlow's <c>RetCode</c> (101 argument, 102 data/not found, 108 permission, 401 auth, 500 …).</summary>
    public int Code { get; } = code;

    public string Detail { get; } = message;

    public HttpStatusCode StatusCode { get; } = statusCode;

    public const int ArgumentError = 101;
    public const int DataError = 102;
    public const int PermissionError = 108;

    /// <summary>The dataset (or document) is unknown or not the key's tenant's: a caller mistake, not an outage.</summary>
    public bool IsNotFound => Code is DataError or PermissionError && (Detail.Contains("own", StringComparison.OrdinalIgnoreCase)
        || Detail.Contains("not found", StringComparison.OrdinalIgnoreCase) || Detail.Contains("lacks permission", StringComparison.OrdinalIgnoreCase)
        || Detail.Contains("Can't find", StringComparison.OrdinalIgnoreCase) || Detail.Contains("do not belong", StringComparison.OrdinalIgnoreCase));

    /// <summary>Server-side or transport trouble worth retrying (5xx statuses, code 100 exceptions), as opposed to a refusal.</summary>
    public bool IsTransient => (int)StatusCode >= 500 || Code == 100;
}
