using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>A sellable product of the catalog, pushed by the Provisioner from Saleor (slug = Saleor product slug).</summary>
public sealed class Offering
{
    public required string Slug { get; set; }

    public string? ProductId { get; set; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public string? FlowTemplate { get; set; }

    /// <summary>The price of a run; an offering that runs is sellable only with a positive price.</summary>
    public long CreditsPerRun { get; set; }

    public long IncludedCredits { get; set; }

    public long TrialCredits { get; set; }

    public List<string> Connectors { get; set; } = [];

    public bool Knowledge { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Whether instances of it may be created: it must have a price per run, or every run would be free.</summary>
    public bool IsSellableInstance => Kind != OfferingKinds.CreditPack && CreditsPerRun > 0;
}
