using System.Text.Json;

namespace Gsv.Provisioner.Catalog;

/// <summary>The GSV catalog as data (<c>seed-catalog.json</c>): what the bootstrap ensures exists in Saleor.</summary>
public sealed record SeedCatalog(
    SeedChannel Channel, SeedWarehouse Warehouse, IReadOnlyList<SeedAttribute> Attributes, IReadOnlyList<SeedProductType> ProductTypes,
    IReadOnlyList<SeedCategory> Categories, IReadOnlyList<SeedProduct> Products)
{
    public static SeedCatalog Load()
    {
        using var stream = typeof(SeedCatalog).Assembly.GetManifestResourceStream("Gsv.Provisioner.Catalog.seed-catalog.json")
            ?? throw new InvalidOperationException("seed-catalog.json is not embedded.");
        return JsonSerializer.Deserialize<SeedCatalog>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("seed-catalog.json is empty.");
    }
}

public sealed record SeedChannel(string Slug, string Name, string CurrencyCode, string DefaultCountry);

public sealed record SeedAddress(string CompanyName, string StreetAddress1, string City, string CountryArea, string PostalCode, string Country);

public sealed record SeedWarehouse(string Slug, string Name, SeedAddress Address, int Stock);

public sealed record SeedAttribute(string Slug, string Name, string InputType, IReadOnlyList<string>? Values);

public sealed record SeedProductType(string Slug, string Name);

public sealed record SeedCategory(string Slug, string Name, string Description);

public sealed record SeedProduct(
    string Slug, string Name, string ProductType, string Category, decimal Price, string Sku, string Description,
    string Kind, string? Flow, int? CreditsPerRun, int IncludedCredits, int? TrialCredits,
    IReadOnlyList<string> Connectors, bool Knowledge, IReadOnlyList<string> Outcomes, IReadOnlyList<string> Capabilities)
{
    public OfferingAttributes Attributes => new(Kind, Flow, CreditsPerRun, IncludedCredits, TrialCredits, Connectors, Knowledge, Outcomes, Capabilities);
}

/// <summary>The nine GSV product attributes (slugs), as the rest of the platform reads them.</summary>
public static class GsvAttributes
{
    public const string Kind = "gsv-kind";
    public const string Flow = "gsv-flow";
    public const string CreditsPerRun = "gsv-credits-per-run";
    public const string IncludedCredits = "gsv-included-credits";
    public const string TrialCredits = "gsv-trial-credits";
    public const string Connectors = "gsv-connectors";
    public const string Knowledge = "gsv-knowledge";
    public const string Outcomes = "gsv-outcomes";
    public const string Capabilities = "gsv-capabilities";

    public static readonly string[] All = [Kind, Flow, CreditsPerRun, IncludedCredits, TrialCredits, Connectors, Knowledge, Outcomes, Capabilities];
}
