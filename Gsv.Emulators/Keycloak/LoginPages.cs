using System.Text;
using System.Text.Encodings.Web;

namespace Gsv.Emulators.Keycloak;

/// <summary>The HTML Keycloak's browser flow shows: login form, error page, logout confirmation, form_post answer.</summary>
public static class LoginPages
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;
    private const string Style = "body{font-family:sans-serif;max-width:24rem;margin:4rem auto}label,input{display:block;width:100%;margin:.4rem 0}.alert-error{color:#b00}";

    public static IResult LoginForm(string realm, string action, string? username, string? error) =>
        Page($"Sign in to {realm}", $"""
            <h1 id="kc-page-title">Sign in to your account</h1>
            {(error is null ? "" : $"<div class=\"alert-error\" id=\"input-error\" aria-live=\"polite\">{Html.Encode(error)}</div>")}
            <form id="kc-form-login" action="{Html.Encode(action)}" method="post">
              <label for="username">Username or email</label>
              <input id="username" name="username" type="text" autocomplete="username" autofocus value="{Html.Encode(username ?? "")}">
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password">
              <input type="hidden" id="id-hidden-input" name="credentialId" value="">
              <input type="submit" name="login" id="kc-login" value="Sign In">
            </form>
            """);

    public static IResult ErrorPage(string message, int status = 400) =>
        Page("Error", $"""<h1 id="kc-page-title">We are sorry...</h1><p id="kc-error-message" class="instruction">{Html.Encode(message)}</p>""", status);

    public static IResult Info(string title, string message) =>
        Page(title, $"""<h1 id="kc-page-title">{Html.Encode(title)}</h1><p class="instruction">{Html.Encode(message)}</p>""");

    public static IResult LogoutConfirmation(string action, string sessionCode) =>
        Page("Logging out", $"""
            <h1 id="kc-page-title">Logging out</h1>
            <p class="instruction">Do you want to log out?</p>
            <form id="kc-logout-confirm" action="{Html.Encode(action)}" method="post">
              <input type="hidden" name="session_code" value="{Html.Encode(sessionCode)}">
              <input type="submit" name="confirmLogout" id="kc-logout" value="Logout">
            </form>
            """);

    /// <summary><c>response_mode=form_post</c>: a page that posts the response parameters to the redirect URI.</summary>
    public static IResult FormPost(string redirectUri, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var inputs = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            inputs.Append($"""<input type="hidden" name="{Html.Encode(name)}" value="{Html.Encode(value)}">""");
        }

        return Results.Content($"""
            <!DOCTYPE html><html><head><title>Submit This Form</title></head>
            <body onload="javascript:document.forms[0].submit()"><noscript><p>JavaScript is disabled. Click Submit to continue.</p></noscript>
            <form name="content" method="post" action="{Html.Encode(redirectUri)}">{inputs}<noscript><button type="submit">Submit</button></noscript></form>
            </body></html>
            """, "text/html; charset=utf-8");
    }

    private static IResult Page(string title, string body, int status = 200) =>
        Results.Content($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{Html.Encode(title)}</title>
            <style>{Style}</style>
            </head><body><div id="kc-content">{body}</div></body></html>
            """, "text/html; charset=utf-8", Encoding.UTF8, status);
}
