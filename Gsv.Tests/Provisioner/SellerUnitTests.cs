using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Sellers;
using Gsv.Web.Seller;

namespace Gsv.Tests.Provisioner;

/// <summary>The seller console's rules for an offering, its description format and its form, without the platform.</summary>
public sealed class SellerUnitTests
{
    private static readonly OfferingChoices Choices = new(
        Kinds: [new("agent", "Agent"), new("automation", "Automation"), new("credit-pack", "Credit pack")],
        Categories: [new("agents", "Agents"), new("credit-packs", "Credit packs")],
        Flows: [new("research-agent", "Research Agent", false, false), new("support-agent", "Support Agent", true, false), new("code-reviewer", "Code Reviewer", false, true)],
        Connectors: [new("github", "GitHub"), new("slack", "Slack")],
        Outcomes: [new("time-saved", "Time saved")],
        Capabilities: [new("summarization", "Summarization")]);

    private static readonly SellerOfferingInput Valid = new(
        "contract-reviewer", "Contract Reviewer", "Reads contracts.", 39.5m, "agents", "agent", "research-agent", 3, 120, 15, [], false, ["time-saved"], ["summarization"]);

    private static Dictionary<string, string[]> Check(SellerOfferingInput input, string? current = null) =>
        OfferingRules.Check(input, Choices, current, new HashSet<string> { "research-agent" });

    [Fact]
    public void A_complete_offering_passes_and_maps_to_its_attributes()
    {
        Assert.Empty(Check(Valid));
        var attributes = OfferingRules.Attributes(Valid);
        Assert.Equal(("agent", "research-agent", 3L, 120L, 15L, false), (attributes.Kind, attributes.Flow, attributes.CreditsPerRun, attributes.IncludedCredits, attributes.TrialCredits, attributes.Knowledge));
        Assert.Empty(Check(new SellerOfferingInput(
            "credits-50", "50 credits", null, 5m, "credit-packs", "credit-pack", null, null, 50, null, null, false, null, null)));
    }

    [Theory]
    [InlineData(-5L, "creditsPerRun")]
    [InlineData(0L, "creditsPerRun")]
    [InlineData(1_000_001L, "creditsPerRun")]
    [InlineData(null, "creditsPerRun")]
    public void Credits_per_run_are_a_positive_whole_number(long? perRun, string field)
    {
        var errors = Check(Valid with { CreditsPerRun = perRun });
        Assert.Equal([field], errors.Keys);
        Assert.Equal("Credits per run are a whole number from 1 to 1,000,000.", errors[field][0]);
    }

    [Fact]
    public void Every_refused_field_is_named_at_once()
    {
        var errors = Check(Valid with
        {
            Slug = "Not A Slug", Name = " ", Price = 10.001m, Category = "nope", Flow = "no-such-flow", IncludedCredits = -1, TrialCredits = -2,
            Connectors = ["fax"], Outcomes = ["world-peace"], Capabilities = ["summarization", "summarization"],
        });
        Assert.Equal(
            ["capabilities", "category", "connectors", "flow", "includedCredits", "name", "outcomes", "price", "slug", "trialCredits"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("There is no flow template 'no-such-flow'.", errors["flow"][0]);
        Assert.Equal("There is no connector 'fax'.", errors["connectors"][0]);
        Assert.Equal("Each capability may be chosen once.", errors["capabilities"][0]);
    }

    [Fact]
    public void Slugs_are_new_and_well_formed_on_creation_and_fixed_afterwards()
    {
        Assert.Contains("already exists", Check(Valid with { Slug = "research-agent" })["slug"][0], StringComparison.Ordinal);
        Assert.True(Check(Valid with { Slug = "ab" }).ContainsKey("slug"));
        Assert.True(Check(Valid with { Slug = "double--hyphen" }).ContainsKey("slug"));
        Assert.True(Check(Valid with { Slug = null }).ContainsKey("slug"));
        Assert.Empty(Check(Valid with { Slug = null }, current: "contract-reviewer"));
        Assert.Empty(Check(Valid, current: "contract-reviewer"));
        Assert.Contains("cannot change", Check(Valid with { Slug = "other" }, current: "contract-reviewer")["slug"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_flow_must_take_the_knowledge_and_tools_the_offering_uses()
    {
        Assert.True(Check(Valid with { Knowledge = true }).ContainsKey("knowledge"));
        Assert.Empty(Check(Valid with { Knowledge = true, Flow = "support-agent" }));
        Assert.True(Check(Valid with { Connectors = ["github"] }).ContainsKey("connectors"));
        Assert.Empty(Check(Valid with { Connectors = ["github"], Flow = "code-reviewer" }));
    }

    [Fact]
    public void A_credit_pack_runs_nothing()
    {
        var pack = Valid with { Category = "credit-packs", Kind = "credit-pack", Flow = null, CreditsPerRun = null, TrialCredits = null };
        Assert.Empty(Check(pack));
        Assert.Equal(["flow"], Check(pack with { Flow = "research-agent" }).Keys);
        Assert.Equal(["creditsPerRun"], Check(pack with { CreditsPerRun = 2 }).Keys);
        Assert.Equal(["includedCredits"], Check(pack with { IncludedCredits = 0 }).Keys);
        Assert.Equal(["trialCredits"], Check(pack with { TrialCredits = 5 }).Keys);
        Assert.Equal(["knowledge"], Check(pack with { Knowledge = true }).Keys);
        Assert.Equal(["kind"], Check(Valid with { Kind = "robot" }).Keys);
    }

    [Fact]
    public void Descriptions_go_to_Editor_js_paragraphs_and_back_as_typed()
    {
        const string text = "Reads <contracts> & NDAs.\nLine two.\n\nFlags risky clauses.";
        var json = OfferingDescription.ToEditorJs(text);
        Assert.Contains("\"type\":\"paragraph\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<contracts>", json, StringComparison.Ordinal);
        Assert.Equal(text, OfferingDescription.ToText(json));
        Assert.Equal("", OfferingDescription.ToText(OfferingDescription.ToEditorJs("  ")));
        Assert.Equal("plain", OfferingDescription.ToText("plain"));
        Assert.Equal("Bold text", OfferingDescription.ToText("""{"blocks":[{"type":"paragraph","data":{"text":"<b>Bold</b> text"}}]}"""));
    }

    [Fact]
    public void The_form_refuses_words_where_numbers_go_and_keeps_the_rest_for_the_API()
    {
        var form = new OfferingForm
        {
            Slug = " tender-writer ", Name = "Tender Writer", Price = "29.90", Category = "agents", Kind = "agent", Flow = "",
            CreditsPerRun = "-3", IncludedCredits = "many", TrialCredits = "", Connectors = new() { ["slack"] = "on", ["github"] = "on" }, Knowledge = "on",
        };
        var input = form.ToInput(null, out var errors);
        Assert.Equal(["includedCredits"], errors.Keys);
        Assert.Equal(("tender-writer", 29.90m, null, -3L, null, null, true), (input.Slug, input.Price, input.Flow, input.CreditsPerRun, input.IncludedCredits, input.TrialCredits, input.Knowledge));
        Assert.Equal(["github", "slack"], input.Connectors);

        form.Price = "lots";
        form.IncludedCredits = "10";
        form.ToInput("fixed-slug", out errors);
        Assert.Equal(["price"], errors.Keys);
        Assert.Equal("fixed-slug", form.ToInput("fixed-slug", out _).Slug);
    }
}
