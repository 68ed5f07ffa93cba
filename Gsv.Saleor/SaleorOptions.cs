namespace Gsv.Saleor;

/// <summary>Where Saleor is and who the platform is there (section <c>Saleor</c>, set by the AppHost).</summary>
public sealed class SaleorOptions
{
    public const string SectionName = "Saleor";

    /// <summary>Absolute GraphQL endpoint, e.g. <c>http://localhost:8000/graphql/</c>.</summary>
    public Uri? ApiUrl { get; set; }

    public string? StaffEmail { get; set; }

    public string? StaffPassword { get; set; }

    /// <summary>Saleor serves its JWKS next to the API: <c>{scheme}://{host}/.well-known/jwks.json</c>.</summary>
    public static Uri JwksUrlFor(Uri apiUrl) => new(apiUrl, "/.well-known/jwks.json");
}
