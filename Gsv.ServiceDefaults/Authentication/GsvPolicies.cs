namespace Gsv.ServiceDefaults.Authentication;

/// <summary>Authorization policies every GSV service shares, each requiring one realm role of the <c>gsv</c> realm.</summary>
public static class GsvPolicies
{
    public const string Buyer = "buyer";
    public const string Admin = "admin";
    public const string Service = "service";

    public const string BuyerRole = "gsv-buyer";
    public const string AdminRole = "gsv-admin";
    public const string ServiceRole = "gsv-service";

    /// <summary>The audience our APIs accept (added to access tokens by the realm's audience mapper).</summary>
    public const string ApiAudience = "gsv-api";
}
