namespace Gsv.Emulators.Ragflow;

/// <summary>RAGFlow's ids: 32 lowercase hex characters (a UUID1 without dashes; here a random UUID).</summary>
public static class RagflowIds
{
    public static string New() => Guid.NewGuid().ToString("N");

    public static bool IsWellFormed(string? id) =>
        id is { Length: 32 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
