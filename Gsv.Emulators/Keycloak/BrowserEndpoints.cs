using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// The browser-facing part of the realm: authorization endpoint with its login form, the form's POST target,
/// RP-initiated logout, and userinfo.
/// </summary>
public static class BrowserEndpoints
{
    private const string IdentityCookie = "KEYCLOAK_IDENTITY";

    public static void MapKeycloakBrowser(this WebApplication app)
    {
        var oidc = "/realms/{realm}/protocol/openid-connect";
        app.MapMethods($"{oidc}/auth", ["GET", "POST"], AuthorizeAsync);
        app.MapPost("/realms/{realm}/login-actions/authenticate", AuthenticateAsync);
        app.MapMethods($"{oidc}/logout", ["GET", "POST"], LogoutAsync);
        app.MapMethods($"{oidc}/userinfo", ["GET", "POST"], UserInfoAsync);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        if (!realms.TryGet(realm, out var r, out _))
        {
            return LoginPages.ErrorPage("Realm does not exist", 404);
        }

        var p = await ParametersAsync(context.Request);
        if (p("client_id") is not { Length: > 0 } clientId || !r.Clients.TryGetValue(clientId, out var client) || !client.Enabled)
        {
            return LoginPages.ErrorPage("Client not found.");
        }

        var redirectUri = p("redirect_uri") ?? client.RedirectUris.SingleOrDefault(u => !u.Contains('*'));
        if (redirectUri is null || !RedirectUriAllowed(client.RedirectUris, redirectUri))
        {
            return LoginPages.ErrorPage("Invalid parameter: redirect_uri");
        }

        var responseMode = p("response_mode") ?? "query";
        var state = p("state");
        var issuer = KeycloakRealms.Issuer(context.Request, r.Name);
        IResult Fail(string error, string description) =>
            Respond(redirectUri, responseMode, [new("error", error), new("error_description", description), .. Optional("state", state), new("iss", issuer)]);

        if (responseMode is not ("query" or "fragment" or "form_post"))
        {
            return LoginPages.ErrorPage("Invalid parameter: response_mode");
        }

        if (p("response_type") != "code")
        {
            return Fail("unsupported_response_type", "Client is not allowed to initiate browser login with given response_type.");
        }

        if (!client.StandardFlowEnabled)
        {
            return Fail("unauthorized_client", "Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.");
        }

        var challenge = p("code_challenge");
        var method = p("code_challenge_method") ?? (challenge is null ? null : "plain");
        if (method is not (null or "S256" or "plain"))
        {
            return Fail("invalid_request", "Invalid parameter: code_challenge_method");
        }

        if (client.PkceMethod is not null && challenge is null)
        {
            return Fail("invalid_request", "Missing parameter: code_challenge_method");
        }

        if (client.PkceMethod is not null && method != client.PkceMethod)
        {
            return Fail("invalid_request", "Invalid parameter: code challenge method is not matching the configured one");
        }

        var scope = p("scope") ?? "";
        if (TokenIssuer.ResolveScopes(scope).Invalid is not null)
        {
            return Fail("invalid_scope", "Invalid scopes: " + scope);
        }

        var request = new AuthorizationRequest(clientId, redirectUri, scope, state, p("nonce"), challenge, method, responseMode);
        var prompt = p("prompt") ?? "";

        // Single sign-on: a live session cookie answers at once unless a fresh login is asked for.
        if (!prompt.Contains("login") && context.Request.Cookies[IdentityCookie] is { } sid
            && r.Sessions.TryGetValue(sid, out var session) && r.Users.TryGetValue(session.UserId, out var user) && user.Enabled)
        {
            return IssueCode(context, r, request, user, session);
        }

        if (prompt.Contains("none"))
        {
            return Fail("login_required", "Login required");
        }

        var sessionCode = Base64Url(RandomNumberGenerator.GetBytes(24));
        r.PendingLogins[sessionCode] = (request, DateTimeOffset.UtcNow.AddSeconds(r.AccessCodeLifespanLogin));
        return LoginPages.LoginForm(r.Name, LoginAction(context.Request, r.Name, sessionCode, clientId), p("login_hint"), error: null);
    }

    private static async Task<IResult> AuthenticateAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        if (!realms.TryGet(realm, out var r, out _))
        {
            return LoginPages.ErrorPage("Realm does not exist", 404);
        }

        var sessionCode = context.Request.Query["session_code"].ToString();
        if (!r.PendingLogins.TryGetValue(sessionCode, out var pending) || pending.ExpiresAt < DateTimeOffset.UtcNow)
        {
            r.PendingLogins.TryRemove(sessionCode, out _);
            return LoginPages.ErrorPage("Your login attempt timed out. Login will start from the beginning.");
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : FormCollection.Empty;
        var username = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var action = LoginAction(context.Request, r.Name, sessionCode, pending.Request.ClientId);
        var user = r.FindForLogin(username);
        if (user is null || user.Password is null || password.Length == 0 || !user.Password.Verify(password))
        {
            return LoginPages.LoginForm(r.Name, action, username, "Invalid username or password.");
        }

        if (!user.Enabled)
        {
            return LoginPages.LoginForm(r.Name, action, username, "Account is disabled, contact your administrator.");
        }

        if (user.RequiredActions.Count > 0 || user.Password.Temporary)
        {
            return LoginPages.ErrorPage("Account is not fully set up");
        }

        r.PendingLogins.TryRemove(sessionCode, out _);
        var session = new UserSession { UserId = user.Id };
        r.Sessions[session.Id] = session;
        context.Response.Cookies.Append(IdentityCookie, session.Id, new CookieOptions
        {
            Path = $"/realms/{r.Name}/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });
        return IssueCode(context, r, pending.Request, user, session);
    }

    private static IResult IssueCode(HttpContext context, Realm realm, AuthorizationRequest request, RealmUser user, UserSession session)
    {
        var code = $"{Guid.NewGuid()}.{session.Id}.{Guid.NewGuid()}";
        realm.Codes[code] = new AuthorizationCode(request, user.Id, session.Id, DateTimeOffset.UtcNow.AddSeconds(realm.AccessCodeLifespan));
        return Respond(request.RedirectUri, request.ResponseMode,
        [
            .. Optional("state", request.State),
            new("session_state", session.Id),
            new("iss", KeycloakRealms.Issuer(context.Request, realm.Name)),
            new("code", code),
        ]);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        if (!realms.TryGet(realm, out var r, out var keys))
        {
            return LoginPages.ErrorPage("Realm does not exist", 404);
        }

        var issuer = KeycloakRealms.Issuer(context.Request, r.Name);
        var p = await ParametersAsync(context.Request);

        // Back channel: a client posts its refresh token; the session ends, 204.
        if (HttpMethods.IsPost(context.Request.Method) && p("refresh_token") is { Length: > 0 } refreshToken)
        {
            var (client, failure) = TokenEndpoint.AuthenticateClient(context.Request, await context.Request.ReadFormAsync(), r);
            if (failure is not null)
            {
                return failure;
            }

            var (token, _) = await TokenIssuer.ValidateRefreshAsync(refreshToken, keys, issuer);
            if (token is null || !token.TryGetPayloadValue<string>("azp", out var azp) || azp != client!.ClientId)
            {
                return OAuthErrors.InvalidGrant("Invalid refresh token");
            }

            if (token.TryGetPayloadValue<string>("sid", out var refreshSid) && refreshSid is not null)
            {
                r.Sessions.TryRemove(refreshSid, out _);
            }

            return Results.NoContent();
        }

        JsonWebToken? idToken = null;
        if (p("id_token_hint") is { Length: > 0 } hint)
        {
            // Keycloak accepts an expired ID token as a hint, but not a forged one.
            idToken = await TokenIssuer.ValidateAsync(hint, keys, issuer, validateLifetime: false);
            if (idToken is null)
            {
                return LoginPages.ErrorPage("Invalid parameter: id_token_hint");
            }
        }

        var clientId = p("client_id") ?? (idToken is not null && idToken.TryGetPayloadValue<string>("azp", out var hinted) ? hinted : null);
        RealmClient? logoutClient = null;
        if (clientId is not null && !r.Clients.TryGetValue(clientId, out logoutClient))
        {
            return LoginPages.ErrorPage("Invalid parameter: client_id");
        }

        var postLogout = p("post_logout_redirect_uri");
        if (postLogout is not null)
        {
            if (logoutClient is null)
            {
                return LoginPages.ErrorPage("Either the parameter client_id or id_token_hint is required when post_logout_redirect_uri is used.");
            }

            if (!RedirectUriAllowed(logoutClient.PostLogoutRedirectUris, postLogout))
            {
                return LoginPages.ErrorPage("Invalid redirect uri");
            }
        }

        // Without an ID token hint Keycloak asks the user to confirm.
        var confirmed = idToken is not null || (HttpMethods.IsPost(context.Request.Method) && p("confirmLogout") is not null);
        if (!confirmed)
        {
            var action = QueryHelpers.AddQueryString($"{issuer}/protocol/openid-connect/logout", Compact(new()
            {
                ["client_id"] = clientId,
                ["post_logout_redirect_uri"] = postLogout,
                ["state"] = p("state"),
            }));
            return LoginPages.LogoutConfirmation(action, Base64Url(RandomNumberGenerator.GetBytes(16)));
        }

        if (idToken is not null && idToken.TryGetPayloadValue<string>("sid", out var sid) && sid is not null)
        {
            r.Sessions.TryRemove(sid, out _);
        }

        if (context.Request.Cookies[IdentityCookie] is { } cookieSid)
        {
            r.Sessions.TryRemove(cookieSid, out _);
        }

        context.Response.Cookies.Delete(IdentityCookie, new CookieOptions { Path = $"/realms/{r.Name}/" });
        return postLogout is null
            ? LoginPages.Info("You are logged out", "You are logged out")
            : Results.Redirect(QueryHelpers.AddQueryString(postLogout, Compact(new() { ["state"] = p("state") })));
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        if (!realms.TryGet(realm, out var r, out var keys))
        {
            return OAuthErrors.RealmNotFound();
        }

        var header = context.Request.Headers.Authorization.ToString();
        var raw = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header[7..].Trim()
            : (await ParametersAsync(context.Request))("access_token");
        if (string.IsNullOrEmpty(raw))
        {
            return OAuthErrors.BearerError(context, r.Name, 401, "invalid_request", "Token not provided");
        }

        var token = await TokenIssuer.ValidateAsync(raw, keys, KeycloakRealms.Issuer(context.Request, r.Name));
        if (token is null || !token.TryGetPayloadValue<string>("typ", out var typ) || typ != "Bearer")
        {
            return OAuthErrors.BearerError(context, r.Name, 401, "invalid_token", "Token verification failed");
        }

        token.TryGetPayloadValue<string>("scope", out var scope);
        var scopes = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (!scopes.Contains("openid"))
        {
            return OAuthErrors.BearerError(context, r.Name, 403, "insufficient_scope", "Missing openid scope");
        }

        if (token.TryGetPayloadValue<string>("sid", out var sid) && sid is not null && !r.Sessions.ContainsKey(sid))
        {
            return OAuthErrors.BearerError(context, r.Name, 401, "invalid_token", "User session not found or doesn't have client attached on it");
        }

        if (!r.Users.TryGetValue(token.Subject, out var user) || !token.TryGetPayloadValue<string>("azp", out var azp) || !r.Clients.TryGetValue(azp, out var client))
        {
            return OAuthErrors.BearerError(context, r.Name, 401, "invalid_token", "User not found");
        }

        var claims = new Dictionary<string, object?> { ["sub"] = user.Id };
        TokenIssuer.AddUserClaims(claims, new Grant(r, keys, "", client, user, null, TokenIssuer.ResolveScopes(scope).Scopes, null));
        return Results.Json(claims);
    }

    /// <summary>Exact match, or a registered URI ending in <c>*</c> that prefixes the given one.</summary>
    public static bool RedirectUriAllowed(IEnumerable<string> registered, string uri) =>
        registered.Any(r => r.EndsWith('*') ? uri.StartsWith(r[..^1], StringComparison.Ordinal) : string.Equals(r, uri, StringComparison.Ordinal));

    private static IResult Respond(string redirectUri, string responseMode, List<KeyValuePair<string, string>> fields)
    {
        if (responseMode == "form_post")
        {
            return LoginPages.FormPost(redirectUri, fields);
        }

        if (responseMode == "fragment")
        {
            return Results.Redirect(redirectUri + "#" + string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")));
        }

        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value))));
    }

    private static IEnumerable<KeyValuePair<string, string>> Optional(string name, string? value) =>
        value is null ? [] : [new(name, value)];

    private static Dictionary<string, string?> Compact(Dictionary<string, string?> values) =>
        values.Where(v => v.Value is not null).ToDictionary();

    private static string LoginAction(HttpRequest request, string realm, string sessionCode, string clientId) =>
        QueryHelpers.AddQueryString($"{KeycloakRealms.Origin(request)}/realms/{realm}/login-actions/authenticate", new Dictionary<string, string?>
        {
            ["session_code"] = sessionCode,
            ["execution"] = "auth-username-password-form",
            ["client_id"] = clientId,
            ["tab_id"] = sessionCode[..11],
        });

    /// <summary>Query parameters on GET, form fields on POST (the OIDC endpoints accept both).</summary>
    private static async Task<Func<string, string?>> ParametersAsync(HttpRequest request)
    {
        var form = HttpMethods.IsPost(request.Method) && request.HasFormContentType ? await request.ReadFormAsync() : null;
        return name =>
        {
            var value = form is not null && form.TryGetValue(name, out var f) ? f.ToString() : request.Query[name].ToString();
            return string.IsNullOrEmpty(value) ? null : value;
        };
    }

    private static string Base64Url(byte[] bytes) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(bytes);
}
