namespace Gsv.Web.Marketplace;

/// <summary>The offerings that share one value of a facet (an outcome, a capability): its slug, its label, the offerings.</summary>
public sealed record OfferingGroup(string Slug, string Label, IReadOnlyList<Offering> Offerings);
