using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

public sealed partial class SaleorMutations
{
    /// <summary>
    /// <c>productUpdate(id, input: ProductInput!)</c>: name, slug, description, category and attribute values (the
    /// fields given replace the product's; the others stay). Saleor then sends PRODUCT_UPDATED.
    /// </summary>
    private Node ProductUpdate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var product = store.Products.FirstOrDefault(p => p.Pk == IntPk(Arg(ctx, "id") as string, "Product"));
        if (product is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var input = InputArg(ctx);
        var slug = Str(input, "slug");
        if (slug is not null && store.Products.Any(p => p.Slug == slug && p.Pk != product.Pk))
        {
            return Failed(Error("slug", "UNIQUE", "Product with this Slug already exists."));
        }

        CategoryRow? category = null;
        if (Str(input, "category") is { } categoryId && (category = store.Categories.FirstOrDefault(c => c.Pk == IntPk(categoryId, "Category"))) is null)
        {
            return Failed(Error("category", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        // Validated on a copy first: a failed update changes nothing.
        var type = store.ProductTypes.First(t => t.Pk == product.ProductTypePk);
        var staged = new ProductRow { Pk = product.Pk, Attributes = new(product.Attributes) };
        foreach (var attributeInput in List(Get(input, "attributes")).Select(Obj))
        {
            var attribute = store.Attributes.FirstOrDefault(a => a.Pk == IntPk(Str(attributeInput, "id"), "Attribute"));
            if (attribute is null || !type.AttributePks.Contains(attribute.Pk))
            {
                return Failed(Error("attributes", "INVALID", "Attribute is not assigned to this product type."));
            }

            if (AssignValues(staged, attribute, attributeInput) is { } error)
            {
                return Failed(error);
            }
        }

        product.Name = Str(input, "name") ?? product.Name;
        product.Slug = slug ?? product.Slug;
        product.Description = input.ContainsKey("description") ? Str(input, "description") : product.Description;
        product.CategoryPk = category?.Pk ?? product.CategoryPk;
        product.Attributes = staged.Attributes;
        webhooks.EnqueueProduct("PRODUCT_UPDATED", product.Pk);
        return Payload("product", views.Product(product, null));
    }
}
