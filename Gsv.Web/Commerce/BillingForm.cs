using Gsv.Saleor;
using Gsv.ServiceDefaults.Text;

namespace Gsv.Web.Commerce;

/// <summary>The checkout's billing address as the buyer types it, and where Saleor's address errors belong on the form.</summary>
public sealed class BillingForm
{
    public const int MaxLength = 200;

    public static readonly IReadOnlyList<(string Code, string Name)> Countries =
    [
        ("AU", "Australia"), ("CA", "Canada"), ("FR", "France"), ("DE", "Germany"), ("IE", "Ireland"), ("IT", "Italy"),
        ("NL", "Netherlands"), ("ES", "Spain"), ("SE", "Sweden"), ("CH", "Switzerland"), ("GB", "United Kingdom"), ("US", "United States"),
    ];

    public string? FullName { get; set; }
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? PostalCode { get; set; }
    public string? Region { get; set; }
    public string? Country { get; set; }
    public string? TestOutcome { get; set; }

    /// <summary>Field → message for what is missing or too long; empty when the form can go to Saleor.</summary>
    public IEnumerable<(string Field, string Message)> Validate()
    {
        foreach (var (field, value) in new[] { (nameof(FullName), FullName), (nameof(Street), Street), (nameof(City), City), (nameof(PostalCode), PostalCode) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return (field, "This field is required.");
            }
            else if (value.Length > MaxLength || FreeText.HasForbidden(value))
            {
                yield return (field, $"Use at most {MaxLength} characters, without control characters.");
            }
        }

        if (Region is { Length: > MaxLength })
        {
            yield return (nameof(Region), $"Use at most {MaxLength} characters.");
        }

        if (!Countries.Any(c => c.Code == Country))
        {
            yield return (nameof(Country), "Choose a country.");
        }

        if (TestOutcome is not (null or SaleorClient.DummyFullyCharged or "refused"))
        {
            yield return ("", "Choose a test payment outcome.");
        }
    }

    public AddressInput ToAddress()
    {
        var name = FullName!.Trim();
        var space = name.LastIndexOf(' ');
        return new AddressInput(
            FirstName: space > 0 ? name[..space] : name, LastName: space > 0 ? name[(space + 1)..] : "",
            StreetAddress1: Street!.Trim(), City: City!.Trim(), PostalCode: PostalCode!.Trim(),
            CountryArea: string.IsNullOrWhiteSpace(Region) ? null : Region.Trim(), Country: Country);
    }

    /// <summary>The form field a Saleor error's <c>field</c> concerns ("" for the form as a whole).</summary>
    public static string FieldOf(string? saleorField) => saleorField switch
    {
        "firstName" or "lastName" => nameof(FullName),
        "streetAddress1" or "streetAddress2" => nameof(Street),
        "city" or "cityArea" => nameof(City),
        "postalCode" => nameof(PostalCode),
        "countryArea" => nameof(Region),
        "country" => nameof(Country),
        _ => "",
    };
}
