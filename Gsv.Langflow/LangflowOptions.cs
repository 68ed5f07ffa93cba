namespace Gsv.Langflow;

/// <summary>Configuration section <c>Langflow</c> (the AppHost passes <c>Langflow__ApiKey</c>).</summary>
public sealed class LangflowOptions
{
    public const string SectionName = "Langflow";

    /// <summary>Resolved by service discovery (<c>services__langflow__http__0</c>).</summary>
    public Uri BaseAddress { get; set; } = new("https+http://langflow");

    public string? ApiKey { get; set; }

    /// <summary>Folder of flow JSON templates; when unset, the repository's <c>flows/</c> found above the content root.</summary>
    public string? FlowTemplatesPath { get; set; }
}
