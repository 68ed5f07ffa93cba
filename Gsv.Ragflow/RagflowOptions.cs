namespace Gsv.Ragflow;

/// <summary>Configuration section <c>Ragflow</c> (the AppHost passes <c>Ragflow__ApiKey</c>).</summary>
public sealed class RagflowOptions
{
    public const string SectionName = "Ragflow";

    /// <summary>Resolved by service discovery (<c>services__ragflow__http__0</c>); RAGFlow's API is under <c>/api/v1</c>.</summary>
    public Uri BaseAddress { get; set; } = new("https+http://ragflow");

    /// <summary>A RAGFlow API key (<c>ragflow-…</c>), sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }
}
