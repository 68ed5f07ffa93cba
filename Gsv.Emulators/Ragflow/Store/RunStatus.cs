namespace Gsv.Emulators.Ragflow.Store;

/// <summary>A document's parse state, RAGFlow's <c>TaskStatus</c> (stored "0".."4", returned as text, contract §4.2).</summary>
public enum RunStatus
{
    Unstart = 0,
    Running = 1,
    Cancel = 2,
    Done = 3,
    Fail = 4,
}

public static class RunStatuses
{
    /// <summary>The API text: <c>UNSTART</c>, <c>RUNNING</c>, <c>CANCEL</c>, <c>DONE</c>, <c>FAIL</c>.</summary>
    public static string ToApi(this RunStatus status) => status.ToString().ToUpperInvariant();

    /// <summary>A <c>run</c> filter value: the text (any case) or the stored digit.</summary>
    public static RunStatus? Parse(string? value) =>
        value is { Length: > 0 } && Enum.TryParse<RunStatus>(value, ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : null;
}
