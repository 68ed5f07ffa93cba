using System.Globalization;
using Gsv.ControlPlane.Client;

namespace Gsv.Web.Seller;

/// <summary>
/// The seller console's offering form as posted: text as typed (numbers included, so a wrong one can be shown back),
/// checkboxes as <c>Form.Connectors[github]=on</c>.
/// </summary>
public sealed class OfferingForm
{
    public string? Slug { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Price { get; set; }

    public string? Category { get; set; }

    public string? Kind { get; set; }

    public string? Flow { get; set; }

    public string? CreditsPerRun { get; set; }

    public string? IncludedCredits { get; set; }

    public string? TrialCredits { get; set; }

    public Dictionary<string, string>? Connectors { get; set; }

    public string? Knowledge { get; set; }

    public Dictionary<string, string>? Outcomes { get; set; }

    public Dictionary<string, string>? Capabilities { get; set; }

    public static OfferingForm From(SellerOfferingDto offering) => new()
    {
        Slug = offering.Slug,
        Name = offering.Name,
        Description = offering.Description,
        Price = offering.Price.ToString("0.00", CultureInfo.InvariantCulture),
        Category = offering.Category,
        Kind = offering.Kind,
        Flow = offering.Flow,
        CreditsPerRun = offering.CreditsPerRun?.ToString(CultureInfo.InvariantCulture),
        IncludedCredits = offering.IncludedCredits.ToString(CultureInfo.InvariantCulture),
        TrialCredits = offering.TrialCredits?.ToString(CultureInfo.InvariantCulture),
        Connectors = Checked(offering.Connectors),
        Knowledge = offering.Knowledge ? "on" : null,
        Outcomes = Checked(offering.Outcomes),
        Capabilities = Checked(offering.Capabilities),
    };

    /// <summary>The API's input; a number field that holds no number is refused here (in <paramref name="errors"/>), the rest by the API.</summary>
    public SellerOfferingInput ToInput(string? slug, out Dictionary<string, string> errors)
    {
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        long? Whole(string field, string? text, string label)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            refused[field] = $"{label} must be a whole number, like 5.";
            return null;
        }

        decimal? price = null;
        if (!string.IsNullOrWhiteSpace(Price))
        {
            if (decimal.TryParse(Price.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                price = amount;
            }
            else
            {
                refused["price"] = "The price must be a number, like 49.00.";
            }
        }

        var input = new SellerOfferingInput(
            slug ?? Slug?.Trim(), Name?.Trim(), Description, price, Blank(Category), Blank(Kind), Blank(Flow),
            Whole("creditsPerRun", CreditsPerRun, "Credits per run"), Whole("includedCredits", IncludedCredits, "Included credits"),
            Whole("trialCredits", TrialCredits, "Trial credits"),
            Keys(Connectors), Knowledge is not null, Keys(Outcomes), Keys(Capabilities));
        errors = refused;
        return input;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static List<string> Keys(Dictionary<string, string>? chosen) => [.. (chosen ?? []).Keys.Order(StringComparer.Ordinal)];

    private static Dictionary<string, string> Checked(IEnumerable<string> values) => values.ToDictionary(v => v, _ => "on");
}
