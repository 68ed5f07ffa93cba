namespace Gsv.ControlPlane.Client;

// The seller console's API (the Provisioner's /seller/v1, role gsv-admin): offerings as Saleor holds them, with their
// nine GSV attributes, and what each attribute may be.

/// <summary>An offering in Saleor: its product fields, its GSV attributes, whether the channel shows it, how many were sold.</summary>
public sealed record SellerOfferingDto(
    string Slug, string Name, string Description, decimal Price, string Currency, string Category,
    string Kind, string? Flow, long? CreditsPerRun, long IncludedCredits, long? TrialCredits,
    IReadOnlyList<string> Connectors, bool Knowledge, IReadOnlyList<string> Outcomes, IReadOnlyList<string> Capabilities,
    bool Published, int Sold);

/// <summary>
/// An offering to create (the slug is required then) or to change (the slug, if given, must be the same). Every field
/// is checked together; a refusal is a 400 naming each field (camelCase) with its message, and nothing is written.
/// </summary>
public sealed record SellerOfferingInput(
    string? Slug, string? Name, string? Description, decimal? Price, string? Category,
    string? Kind, string? Flow, long? CreditsPerRun, long? IncludedCredits, long? TrialCredits,
    IReadOnlyList<string>? Connectors, bool Knowledge, IReadOnlyList<string>? Outcomes, IReadOnlyList<string>? Capabilities);

/// <summary>A value an attribute may take, and how to show it.</summary>
public sealed record SellerChoice(string Value, string Label);

/// <summary>What the console's fields may hold: the choices of each attribute and the channel's currency.</summary>
public sealed record SellerOptionsDto(
    string Currency, IReadOnlyList<SellerChoice> Categories, IReadOnlyList<SellerChoice> Kinds, IReadOnlyList<SellerChoice> Flows,
    IReadOnlyList<SellerChoice> Connectors, IReadOnlyList<SellerChoice> Outcomes, IReadOnlyList<SellerChoice> Capabilities);

/// <summary>
/// A flow template an offering may run (its <c>gsv-flow</c> value): whether it takes passages of the buyer's documents
/// and calls connector tools, and whether a seller uploaded it (else it ships with GSV).
/// </summary>
public sealed record SellerFlowDto(string Name, string Label, string? Description, bool TakesKnowledge, bool TakesTools, bool Uploaded);

/// <summary>
/// A Langflow export (<paramref name="Flow"/>, the JSON object Langflow's "Export" gives) to add as a new flow template
/// called <paramref name="Name"/>. It is deployed to Langflow and deleted again before it is kept; a refusal is a 400
/// naming <c>name</c> or <c>flow</c>, and nothing is kept.
/// </summary>
public sealed record SellerFlowUpload(string? Name, System.Text.Json.Nodes.JsonObject? Flow)
{
    /// <summary>The largest export accepted (its JSON text): Langflow exports with every component's code stay far below.</summary>
    public const int MaxMegabytes = 5;

    public const int MaxBytes = MaxMegabytes * 1024 * 1024;
}
