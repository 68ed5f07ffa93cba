using Gsv.ControlPlane.Client;
using Gsv.Saleor;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Gsv.Web.Commerce;

public static class CommerceServiceExtensions
{
    /// <summary>Cart, checkout and order reading (Saleor), and the buyer's account (Control Plane public API with the user's token).</summary>
    public static IServiceCollection AddGsvCommerce(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddHttpClient<ControlPlaneUserClient>(http => http.BaseAddress = new Uri(ControlPlaneClientExtensions.BaseAddress));
        services.AddScoped<Cart>();
        services.AddScoped<BuyerAccount>();
        services.AddSingleton<ISaleorTokenSource>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SaleorOptions>>().Value;
            return new StaffTokenSource(
                options.StaffEmail ?? throw new InvalidOperationException("Saleor:StaffEmail is not configured."),
                options.StaffPassword ?? throw new InvalidOperationException("Saleor:StaffPassword is not configured."));
        });
        services.AddTransient<SaleorStaffClient>();
        services.AddTransient<OrderReader>();

        // At sign-in the session's cart becomes the account's: its checkout takes the account's email.
        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure(options =>
        {
            var previous = options.Events.OnTokenValidated;
            options.Events.OnTokenValidated = async context =>
            {
                await previous(context);
                if (context.Principal?.FindFirst("email")?.Value is { Length: > 0 } email)
                {
                    await context.HttpContext.RequestServices.GetRequiredService<Cart>().AttachAsync(context.HttpContext, email, context.HttpContext.RequestAborted);
                }
            };
        });
        return services;
    }
}
