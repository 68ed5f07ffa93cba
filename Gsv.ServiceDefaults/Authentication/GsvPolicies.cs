namespace Gsv.ServiceDefaults.Authentication;

/// <summary>Authorization policies every GSV service shares, each requiring realm roles of the <c>gsv</c> realm.</summary>
public static class GsvPolicies
{
    public const string Buyer = "buyer";
    public const string Admin = "admin";

    /// <summary>Any GSV service account (Gateway or Provisioner): for what both may do, such as reading an instance.</summary>
    public const string Service = "service";

    /// <summary>The Gateway's powers only: holds, settlements, run records, API-key resolution.</summary>
    public const string Gateway = "gateway";

    /// <summary>The Provisioner's powers only: offerings, users, instances and their transitions, grants.</summary>
    public const string Provisioner = "provisioner";

    public const string BuyerRole = "gsv-buyer";
    public const string AdminRole = "gsv-admin";

    /// <summary>Realm role of the Gateway's service account; no other client holds it, so a Gateway token cannot mint credits.</summary>
    public const string GatewayRole = "gsv-gateway";

    /// <summary>Realm role of the Provisioner's service account.</summary>
    public const string ProvisionerRole = "gsv-provisioner";

    /// <summary>The audience our APIs accept (added to access tokens by the realm's audience mapper).</summary>
    public const string ApiAudience = "gsv-api";
}
