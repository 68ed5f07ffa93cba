using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Saleor;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// The seller API (<c>/seller/v1</c> on the Provisioner, role <c>gsv-admin</c>) through the AppHost: who may use it,
/// the catalog with its attributes, refusals that name the field and write nothing, and an offering created as a draft,
/// published (the storefront and the Control Plane then know it), changed and unpublished.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SellerApiTests(PlatformFixture platform)
{
    private readonly ProvisionerHarness _harness = new(platform);

    private SellerClient Seller() => SellerScenario.Seller(platform);

    private Task<string> AdminTokenAsync() => SellerScenario.AdminTokenAsync(platform);

    [Fact]
    public async Task Only_an_administrator_may_use_the_seller_API()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        using var anonymous = new HttpClient { BaseAddress = platform.App.GetEndpoint("provisioner", "http") };
        using (var response = await anonymous.GetAsync("/seller/v1/offerings"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var buyer = await platform.Identity.CreateUserAsync("not-seller");
        var refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().ListOfferingsAsync(buyer.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().CreateOfferingAsync(buyer.AccessToken, SellerScenario.ValidInput(SellerScenario.NewSlug())));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

        // The administrator sees the seed catalog with its nine attributes, and what each may hold.
        var admin = await AdminTokenAsync();
        var offerings = await Seller().ListOfferingsAsync(admin);
        var research = Assert.Single(offerings, o => o.Slug == "research-agent");
        Assert.Equal(("Research Agent", "agent", "research-agent", 2L, 200L, 20L, true), (research.Name, research.Kind, research.Flow, research.CreditsPerRun, research.IncludedCredits, research.TrialCredits, research.Published));
        Assert.Equal(49m, research.Price);
        Assert.Equal("agents", research.Category);
        Assert.Contains("web-research", research.Capabilities);
        Assert.Equal(["github"], offerings.Single(o => o.Slug == "code-review-assistant").Connectors);
        var pack = offerings.Single(o => o.Slug == "credits-500");
        Assert.Equal(("credit-pack", (string?)null, (long?)null), (pack.Kind, pack.Flow, pack.CreditsPerRun));

        var options = await Seller().GetOptionsAsync(admin);
        Assert.Equal("USD", options.Currency);
        Assert.Contains(options.Flows, f => f.Value == "research-agent");
        Assert.Equal(["github", "http", "slack"], options.Connectors.Select(c => c.Value).Order());
        Assert.Contains(options.Kinds, k => k.Value == "credit-pack" && k.Label == "Credit pack");
        Assert.Contains(options.Outcomes, o => o.Value == "time-saved");
    }

    [Fact]
    public async Task Refused_offerings_name_each_field_and_write_nothing()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var admin = await AdminTokenAsync();
        var slug = SellerScenario.NewSlug();
        var bad = SellerScenario.ValidInput(slug) with
        {
            Price = -1, CreditsPerRun = -5, Flow = "no-such-flow", Connectors = ["github", "fax"], Outcomes = ["world-peace"], Category = "nope",
        };
        var refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().CreateOfferingAsync(admin, bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        var errors = refused.Body!.Value.GetProperty("errors");
        foreach (var field in new[] { "price", "creditsPerRun", "flow", "connectors", "outcomes", "category" })
        {
            Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {errors}");
            Assert.NotEmpty(messages[0].GetString()!);
        }

        Assert.Contains("whole number from 1", errors.GetProperty("creditsPerRun")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("no-such-flow", errors.GetProperty("flow")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("fax", errors.GetProperty("connectors")[0].GetString(), StringComparison.Ordinal);

        // A taken slug, and a credit pack that names a flow.
        refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().CreateOfferingAsync(admin, SellerScenario.ValidInput("research-agent")));
        Assert.Contains("already exists", refused.Body!.Value.GetProperty("errors").GetProperty("slug")[0].GetString(), StringComparison.Ordinal);
        refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().CreateOfferingAsync(
            admin, SellerScenario.ValidInput(slug) with { Kind = "credit-pack", Category = "credit-packs" }));
        Assert.True(refused.Body!.Value.GetProperty("errors").TryGetProperty("flow", out _));

        Assert.DoesNotContain(await Seller().ListOfferingsAsync(admin), o => o.Slug == slug);
        Assert.Null(await (await _harness.StaffAsync()).ProductForBootstrapAsync(slug));
        Assert.Null(await (await _harness.ControlPlaneAsync()).GetOfferingAsync(slug));
    }

    [Fact]
    public async Task An_offering_is_created_as_a_draft_published_changed_and_unpublished()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var admin = await AdminTokenAsync();
        var slug = SellerScenario.NewSlug();
        var input = SellerScenario.ValidInput(slug);

        var created = await Seller().CreateOfferingAsync(admin, input);
        Assert.Equal((slug, input.Name, "Reads contracts.\n\nFlags risky clauses.", 39.5m, false, 0), (created.Slug, created.Name, created.Description, created.Price, created.Published, created.Sold));
        Assert.Equal(("agent", "research-agent", 3L, 120L, 15L), (created.Kind, created.Flow, created.CreditsPerRun, created.IncludedCredits, created.TrialCredits));
        Assert.Equal(["better-decisions", "time-saved"], created.Outcomes);

        // A draft: buyers cannot see it, but the Control Plane already knows its price and flow.
        var storefront = _harness.Storefront();
        Assert.Null(await storefront.ProductAsync(slug, ProvisionerHarness.Channel));
        var offering = await (await _harness.ControlPlaneAsync()).GetOfferingAsync(slug);
        Assert.Equal(("research-agent", 3L, 120L, 15L), (offering!.FlowTemplate, offering.CreditsPerRun, offering.IncludedCredits, offering.TrialCredits));

        var published = await Seller().SetPublishedAsync(admin, slug, true);
        try
        {
            await PublishedLifecycleAsync(admin, slug, input, published);
        }
        finally
        {
            await SellerScenario.UnpublishAsync(platform, slug, "Contract Reviewer Pro", input.Name!);
        }
    }

    private async Task PublishedLifecycleAsync(string admin, string slug, SellerOfferingInput input, SellerOfferingDto published)
    {
        var storefront = _harness.Storefront();
        Assert.True(published.Published);
        await SellerScenario.MarketplaceShowsAsync(platform, input.Name!, shown: true);
        var shown = await storefront.ProductAsync(slug, ProvisionerHarness.Channel);
        Assert.NotNull(shown);
        Assert.Equal(39.5m, shown.Variants!.Single().Pricing!.Price!.Gross.Amount);
        Assert.Equal("3", shown.ValuesOf("gsv-credits-per-run").Single().Name);

        // A change replaces every attribute: outcomes cleared, a connector and a flow that calls tools set, the price moved.
        var changed = await Seller().UpdateOfferingAsync(admin, slug, input with
        {
            Slug = null, Name = "Contract Reviewer Pro", Price = 59m, Flow = "code-reviewer", Connectors = ["github"], Outcomes = [], CreditsPerRun = 4, TrialCredits = null,
        });
        Assert.Equal(("Contract Reviewer Pro", 59m, "code-reviewer", 4L, (long?)null, true), (changed.Name, changed.Price, changed.Flow, changed.CreditsPerRun, changed.TrialCredits, changed.Published));
        Assert.Equal(["github"], changed.Connectors);
        Assert.Empty(changed.Outcomes);
        var offering = await (await _harness.ControlPlaneAsync()).GetOfferingAsync(slug);
        Assert.Equal(("code-reviewer", 4L, 0L), (offering!.FlowTemplate, offering.CreditsPerRun, offering.TrialCredits));
        Assert.Equal(["github"], offering.Connectors);

        // The slug cannot change; a kind across product types is refused.
        var refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().UpdateOfferingAsync(admin, slug, input with { Slug = "other-" + slug }));
        Assert.True(refused.Body!.Value.GetProperty("errors").TryGetProperty("slug", out _));
        refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().UpdateOfferingAsync(
            admin, slug, input with { Kind = "credit-pack", Flow = null, CreditsPerRun = null, TrialCredits = null, Category = "credit-packs" }));
        Assert.True(refused.Body!.Value.GetProperty("errors").TryGetProperty("kind", out _));

        var unpublished = await Seller().SetPublishedAsync(admin, slug, false);
        Assert.False(unpublished.Published);
        Assert.Null(await storefront.ProductAsync(slug, ProvisionerHarness.Channel));

        var missing = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().SetPublishedAsync(admin, "no-" + slug, true));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Null(await Seller().GetOfferingAsync(admin, "no-" + slug));
    }
}
