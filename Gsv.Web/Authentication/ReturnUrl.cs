namespace Gsv.Web.Authentication;

public static class ReturnUrl
{
    /// <summary>A path on this site (no scheme, host or protocol-relative form), else <c>/</c>: no open redirects.</summary>
    public static string LocalOrRoot(string? returnUrl) =>
        IsLocal(returnUrl) ? returnUrl! : "/";

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
