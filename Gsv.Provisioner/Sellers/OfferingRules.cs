using System.Globalization;
using System.Text.RegularExpressions;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Catalog;
using Gsv.Provisioner.Offerings;

namespace Gsv.Provisioner.Sellers;

/// <summary>A flow template as an offering may use it: whether it takes knowledge passages and connector tools.</summary>
public sealed record FlowChoice(string Name, string Label, bool TakesKnowledge, bool TakesTools);

/// <summary>What each field of an offering may hold (from Saleor's attributes and categories, the flows, the connector catalog).</summary>
public sealed record OfferingChoices(
    IReadOnlyList<SellerChoice> Kinds, IReadOnlyList<SellerChoice> Categories, IReadOnlyList<FlowChoice> Flows,
    IReadOnlyList<SellerChoice> Connectors, IReadOnlyList<SellerChoice> Outcomes, IReadOnlyList<SellerChoice> Capabilities);

/// <summary>
/// The seller console's rules for an offering, all checked at once: each refused field gets a message a seller can act on
/// (keys are the input's camelCase field names). The same limits as the offering sync and the Control Plane.
/// </summary>
public static partial class OfferingRules
{
    public const int MaxNameLength = 100;
    public const decimal MaxPrice = 100_000m;
    public const long MaxIncludedCredits = 10_000_000;
    public const long MaxTrialCredits = 100_000;

    /// <param name="currentSlug">The offering being changed; null when creating one.</param>
    /// <param name="takenSlugs">Slugs of Saleor's products (a new offering may not reuse one).</param>
    public static Dictionary<string, string[]> Check(SellerOfferingInput input, OfferingChoices choices, string? currentSlug, IReadOnlySet<string> takenSlugs)
    {
        var errors = new Dictionary<string, string[]>();
        void Refuse(string field, string message) => errors.TryAdd(field, [message]);

        if (currentSlug is null)
        {
            if (string.IsNullOrWhiteSpace(input.Slug))
            {
                Refuse("slug", "Enter a slug: the offering's address in the marketplace, like 'contract-reviewer'.");
            }
            else if (!IsSlug(input.Slug))
            {
                Refuse("slug", "A slug is 3 to 60 lowercase letters, digits and single hyphens, like 'contract-reviewer'.");
            }
            else if (takenSlugs.Contains(input.Slug))
            {
                Refuse("slug", $"A product with the slug '{input.Slug}' already exists; choose another.");
            }
        }
        else if (input.Slug is { Length: > 0 } slug && slug != currentSlug)
        {
            Refuse("slug", "The slug of an offering cannot change (buyers' instances and links use it).");
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            Refuse("name", "Enter a name.");
        }
        else if (input.Name.Trim().Length > MaxNameLength)
        {
            Refuse("name", $"A name has at most {MaxNameLength} characters.");
        }

        if (input.Description is { Length: > OfferingDescription.MaxLength })
        {
            Refuse("description", $"A description has at most {OfferingDescription.MaxLength:N0} characters.");
        }

        if (input.Price is not { } price)
        {
            Refuse("price", "Enter a price.");
        }
        else if (price <= 0 || price > MaxPrice || decimal.Round(price, 2) != price)
        {
            Refuse("price", $"A price is more than 0 and at most {MaxPrice.ToString("N0", CultureInfo.InvariantCulture)}, with at most 2 decimals.");
        }

        if (input.Category is null || choices.Categories.All(c => c.Value != input.Category))
        {
            Refuse("category", "Choose a category.");
        }

        if (input.Kind is null || choices.Kinds.All(k => k.Value != input.Kind))
        {
            Refuse("kind", "Choose a kind.");
            return errors; // the other attributes' rules depend on it
        }

        var creditPack = input.Kind == OfferingKinds.CreditPack;
        CheckFlow(input, choices, creditPack, Refuse);
        CheckCredits(input, creditPack, Refuse);
        CheckChoices("connectors", input.Connectors, choices.Connectors, "connector", Refuse);
        CheckChoices("outcomes", input.Outcomes, choices.Outcomes, "outcome", Refuse);
        CheckChoices("capabilities", input.Capabilities, choices.Capabilities, "capability", Refuse);
        if (creditPack && (input.Connectors is { Count: > 0 } || input.Knowledge))
        {
            Refuse(input.Knowledge ? "knowledge" : "connectors", "A credit pack runs nothing: it uses no connectors and no knowledge base.");
        }

        return errors;
    }

    private static void CheckFlow(SellerOfferingInput input, OfferingChoices choices, bool creditPack, Action<string, string> refuse)
    {
        if (creditPack)
        {
            if (!string.IsNullOrEmpty(input.Flow))
            {
                refuse("flow", "A credit pack runs nothing: leave the flow template empty.");
            }

            return;
        }

        if (string.IsNullOrEmpty(input.Flow))
        {
            refuse("flow", "Choose the flow template the offering runs.");
        }
        else if (choices.Flows.FirstOrDefault(f => f.Name == input.Flow) is not { } flow)
        {
            refuse("flow", $"There is no flow template '{Excerpt(input.Flow)}'.");
        }
        else if (input.Knowledge && !flow.TakesKnowledge)
        {
            refuse("knowledge", $"The flow '{flow.Label}' takes no passages from documents: choose a flow that does, or no knowledge base.");
        }
        else if (input.Connectors is { Count: > 0 } && !flow.TakesTools)
        {
            refuse("connectors", $"The flow '{flow.Label}' calls no tools: choose a flow that does, or no connectors.");
        }
    }

    private static void CheckCredits(SellerOfferingInput input, bool creditPack, Action<string, string> refuse)
    {
        if (creditPack)
        {
            if (input.CreditsPerRun is not null)
            {
                refuse("creditsPerRun", "A credit pack runs nothing: leave credits per run empty.");
            }
        }
        else if (input.CreditsPerRun is not { } perRun || perRun < 1 || perRun > OfferingSyncService.MaxCreditsPerRun)
        {
            refuse("creditsPerRun", $"Credits per run are a whole number from 1 to {OfferingSyncService.MaxCreditsPerRun.ToString("N0", CultureInfo.InvariantCulture)}.");
        }

        if (input.IncludedCredits is not { } included || included < (creditPack ? 1 : 0) || included > MaxIncludedCredits)
        {
            refuse("includedCredits", creditPack
                ? $"A credit pack includes a whole number of credits from 1 to {MaxIncludedCredits.ToString("N0", CultureInfo.InvariantCulture)}."
                : $"Included credits are a whole number from 0 to {MaxIncludedCredits.ToString("N0", CultureInfo.InvariantCulture)}.");
        }

        if (input.TrialCredits is { } trial && (trial < 0 || trial > MaxTrialCredits || creditPack && trial > 0))
        {
            refuse("trialCredits", creditPack
                ? "A credit pack has no trial: leave trial credits empty."
                : $"Trial credits are a whole number from 0 to {MaxTrialCredits.ToString("N0", CultureInfo.InvariantCulture)} (empty: no trial).");
        }
    }

    private static void CheckChoices(string field, IReadOnlyList<string>? chosen, IReadOnlyList<SellerChoice> allowed, string what, Action<string, string> refuse)
    {
        if (chosen?.FirstOrDefault(c => allowed.All(a => a.Value != c)) is { } unknown)
        {
            refuse(field, $"There is no {what} '{Excerpt(unknown)}'.");
        }
        else if (chosen is not null && chosen.Distinct(StringComparer.Ordinal).Count() != chosen.Count)
        {
            refuse(field, $"Each {what} may be chosen once.");
        }
    }

    /// <summary>The attributes to store for a valid input.</summary>
    public static OfferingAttributes Attributes(SellerOfferingInput input) => new(
        input.Kind!, string.IsNullOrEmpty(input.Flow) ? null : input.Flow, input.CreditsPerRun, input.IncludedCredits ?? 0, input.TrialCredits,
        input.Connectors ?? [], input.Knowledge, input.Outcomes ?? [], input.Capabilities ?? []);

    private static string Excerpt(string text) => text.Length > 60 ? text[..60] + "…" : text;

    /// <summary>
    /// An offering's slug or a flow template's name: 3 to 60 lowercase letters and digits in words joined by single
    /// hyphens, like <c>contract-reviewer</c>.
    /// </summary>
    public static bool IsSlug(string value) => value.Length is >= 3 and <= 60 && Slug().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}
