using Gsv.Saleor;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Commerce;

/// <summary>Saleor 3.23 reads a 30-character bearer value as an app token; one no active app holds is anonymous, not an error.</summary>
[Collection(PlatformCollection.Name)]
public sealed class SaleorUnknownAppTokenTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Anonymous_callers_and_unknown_app_tokens_get_PermissionDenied_where_a_permission_is_needed_and_read_the_storefront()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var anonymous = CommercePlatform.Anonymous(fixture);
        var denied = await Assert.ThrowsAsync<SaleorGraphQLException>(() => anonymous.PaidOrdersAsync(DateTimeOffset.UtcNow.AddDays(-1), null));
        Assert.True(denied.IsPermissionDenied, denied.Message);

        var unknown = anonymous.WithTokens(new AppTokenSource(new string('x', 30)));
        denied = await Assert.ThrowsAsync<SaleorGraphQLException>(() => unknown.PaidOrdersAsync(DateTimeOffset.UtcNow.AddDays(-1), null));
        Assert.True(denied.IsPermissionDenied, denied.Message);
        Assert.NotNull(await unknown.ProductAsync("research-agent", CommercePlatform.Channel));
    }
}
