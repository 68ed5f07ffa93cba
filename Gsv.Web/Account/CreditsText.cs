using System.Globalization;

namespace Gsv.Web.Account;

/// <summary>An amount of credits in words: "1 credit", "12 credits".</summary>
public static class CreditsText
{
    public static string Of(long credits) => credits.ToString("N0", CultureInfo.InvariantCulture) + (credits == 1 ? " credit" : " credits");
}
