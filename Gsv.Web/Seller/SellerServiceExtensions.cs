using Gsv.ControlPlane.Client;

namespace Gsv.Web.Seller;

public static class SellerServiceExtensions
{
    /// <summary>The seller console (<c>/seller</c>): the Provisioner's seller API on behalf of the signed-in user.</summary>
    public static IServiceCollection AddGsvSeller(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSellerClient();
        services.AddScoped<SellerConsole>();
        return services;
    }
}
