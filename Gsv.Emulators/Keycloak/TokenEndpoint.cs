using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// <c>POST /realms/{realm}/protocol/openid-connect/token</c>: password, client_credentials, authorization_code
/// (PKCE) and refresh_token grants, with Keycloak's client authentication and error answers.
/// </summary>
public static partial class TokenEndpoint
{
    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex CodeVerifierFormat();

    public static async Task<IResult> HandleAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!realms.TryGet(realm, out var r, out var keys))
        {
            return OAuthErrors.RealmNotFound();
        }

        if (!context.Request.HasFormContentType)
        {
            return OAuthErrors.InvalidRequest("Missing form parameter: grant_type");
        }

        var form = await context.Request.ReadFormAsync();
        var grantType = form["grant_type"].ToString();
        if (string.IsNullOrEmpty(grantType))
        {
            return OAuthErrors.InvalidRequest("Missing form parameter: grant_type");
        }

        var (client, failure) = AuthenticateClient(context.Request, form, r);
        if (failure is not null)
        {
            return failure;
        }

        var issuer = KeycloakRealms.Issuer(context.Request, r.Name);
        return grantType switch
        {
            "password" => PasswordGrant(r, keys, issuer, client!, form),
            "client_credentials" => ClientCredentialsGrant(r, keys, issuer, client!, form, context),
            "authorization_code" => AuthorizationCodeGrant(r, keys, issuer, client!, form),
            "refresh_token" => await RefreshTokenGrantAsync(r, keys, issuer, client!, form),
            _ => OAuthErrors.Error(400, "unsupported_grant_type", "Unsupported grant_type"),
        };
    }

    /// <summary>client_secret_basic or client_secret_post for confidential clients; only client_id for public ones.</summary>
    public static (RealmClient? Client, IResult? Failure) AuthenticateClient(HttpRequest request, IFormCollection form, Realm realm)
    {
        string? clientId = form["client_id"];
        string? secret = form["client_secret"];
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    clientId = Uri.UnescapeDataString(decoded[..colon]);
                    secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
                }
            }
            catch (FormatException)
            {
                return (null, OAuthErrors.InvalidClient());
            }
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return (null, OAuthErrors.Error(400, "invalid_client", "Missing parameter: client_id"));
        }

        if (!realm.Clients.TryGetValue(clientId, out var client) || !client.Enabled)
        {
            return (null, OAuthErrors.InvalidClient());
        }

        if (client.BearerOnly)
        {
            return (null, OAuthErrors.Error(400, "invalid_client", "Bearer-only not allowed"));
        }

        if (client.IsConfidential && !SecretMatches(client.Secret, secret))
        {
            return (null, OAuthErrors.Error(401, "unauthorized_client", "Invalid client or Invalid client credentials"));
        }

        return (client, null);
    }

    private static bool SecretMatches(string? expected, string? given) =>
        expected is not null && given is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    private static IResult PasswordGrant(Realm realm, KeycloakKeys keys, string issuer, RealmClient client, IFormCollection form)
    {
        if (!client.DirectAccessGrantsEnabled)
        {
            return OAuthErrors.Error(400, "unauthorized_client", "Client not allowed for direct access grants");
        }

        var (scopes, invalidScope) = TokenIssuer.ResolveScopes(form["scope"]);
        if (invalidScope is not null)
        {
            return OAuthErrors.Error(400, "invalid_scope", $"Invalid scopes: {form["scope"]}");
        }

        var user = realm.FindForLogin(form["username"].ToString());
        var password = form["password"].ToString();
        if (user is null || user.Password is null || string.IsNullOrEmpty(password) || !user.Password.Verify(password))
        {
            return OAuthErrors.InvalidGrant("Invalid user credentials", status: 401);
        }

        if (!user.Enabled)
        {
            return OAuthErrors.InvalidGrant("Account disabled");
        }

        if (user.RequiredActions.Count > 0 || user.Password.Temporary)
        {
            return OAuthErrors.InvalidGrant("Account is not fully set up");
        }

        var session = new UserSession { UserId = user.Id };
        realm.Sessions[session.Id] = session;
        return Results.Json(TokenIssuer.TokenResponse(new Grant(realm, keys, issuer, client, user, session, scopes, Nonce: null), withRefreshToken: true));
    }

    private static IResult ClientCredentialsGrant(Realm realm, KeycloakKeys keys, string issuer, RealmClient client, IFormCollection form, HttpContext context)
    {
        if (client.PublicClient)
        {
            return OAuthErrors.Error(401, "unauthorized_client", "Public client not allowed to retrieve service account");
        }

        if (!client.ServiceAccountsEnabled || realm.ServiceAccountOf(client) is not { } user)
        {
            return OAuthErrors.Error(401, "unauthorized_client", "Client not enabled to retrieve service account");
        }

        var (scopes, invalidScope) = TokenIssuer.ResolveScopes(form["scope"]);
        if (invalidScope is not null)
        {
            return OAuthErrors.Error(400, "invalid_scope", $"Invalid scopes: {form["scope"]}");
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        return Results.Json(TokenIssuer.TokenResponse(new Grant(realm, keys, issuer, client, user, Session: null, scopes, Nonce: null, address), withRefreshToken: false));
    }

    private static IResult AuthorizationCodeGrant(Realm realm, KeycloakKeys keys, string issuer, RealmClient client, IFormCollection form)
    {
        var code = form["code"].ToString();
        if (string.IsNullOrEmpty(code))
        {
            return OAuthErrors.InvalidRequest("Missing parameter: code");
        }

        // Single use: the code is gone whatever the outcome.
        if (!realm.Codes.TryRemove(code, out var issued) || issued.ExpiresAt < DateTimeOffset.UtcNow)
        {
            return OAuthErrors.InvalidGrant("Code not valid");
        }

        if (!client.StandardFlowEnabled)
        {
            return OAuthErrors.Error(400, "unauthorized_client", "Client not allowed to exchange code");
        }

        if (issued.Request.ClientId != client.ClientId)
        {
            return OAuthErrors.InvalidGrant("Auth error");
        }

        if (form["redirect_uri"].ToString() != issued.Request.RedirectUri)
        {
            return OAuthErrors.InvalidGrant("Incorrect redirect_uri");
        }

        if (issued.Request.CodeChallenge is { } challenge)
        {
            var verifier = form["code_verifier"].ToString();
            if (string.IsNullOrEmpty(verifier))
            {
                return OAuthErrors.InvalidGrant("PKCE code verifier not specified");
            }

            if (!CodeVerifierFormat().IsMatch(verifier))
            {
                return OAuthErrors.InvalidGrant("PKCE invalid code verifier");
            }

            var computed = issued.Request.CodeChallengeMethod == "plain"
                ? verifier
                : Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge)))
            {
                return OAuthErrors.InvalidGrant("PKCE verification failed: Code mismatch");
            }
        }
        else if (!StringValues.IsNullOrEmpty(form["code_verifier"]))
        {
            return OAuthErrors.InvalidGrant("PKCE code verifier specified but challenge not present in authorization");
        }

        if (!realm.Sessions.TryGetValue(issued.SessionId, out var session) || !realm.Users.TryGetValue(issued.UserId, out var user) || !user.Enabled)
        {
            return OAuthErrors.InvalidGrant("Session not active");
        }

        session.LastRefresh = DateTimeOffset.UtcNow;
        var (scopes, _) = TokenIssuer.ResolveScopes(issued.Request.Scope);
        return Results.Json(TokenIssuer.TokenResponse(new Grant(realm, keys, issuer, client, user, session, scopes, issued.Request.Nonce), withRefreshToken: true));
    }

    private static async Task<IResult> RefreshTokenGrantAsync(Realm realm, KeycloakKeys keys, string issuer, RealmClient client, IFormCollection form)
    {
        var refreshToken = form["refresh_token"].ToString();
        if (string.IsNullOrEmpty(refreshToken))
        {
            return OAuthErrors.InvalidRequest("Missing parameter: refresh_token");
        }

        var (token, expired) = await TokenIssuer.ValidateRefreshAsync(refreshToken, keys, issuer);
        if (token is null)
        {
            return OAuthErrors.InvalidGrant("Invalid refresh token");
        }

        if (expired)
        {
            return OAuthErrors.InvalidGrant("Token is not active");
        }

        if (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != client.ClientId)
        {
            return OAuthErrors.InvalidGrant("Invalid refresh token. Token client and authorized client don't match");
        }

        if (!token.TryGetPayloadValue<string>("sid", out var sid) || sid is null || !realm.Sessions.TryGetValue(sid, out var session)
            || session.LastRefresh.AddSeconds(realm.SsoSessionIdleTimeout) < DateTimeOffset.UtcNow)
        {
            return OAuthErrors.InvalidGrant("Session not active");
        }

        if (!realm.Users.TryGetValue(token.Subject, out var user) || !user.Enabled)
        {
            return OAuthErrors.InvalidGrant("User disabled");
        }

        token.TryGetPayloadValue<string>("scope", out var grantedScope);
        var granted = (grantedScope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var requested = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requested.Any(s => !granted.Contains(s)))
        {
            return OAuthErrors.Error(400, "invalid_scope", "Client no longer has requested consent from user");
        }

        var scopes = requested.Length > 0 ? TokenIssuer.ResolveScopes(string.Join(' ', requested)).Scopes : granted;
        session.LastRefresh = DateTimeOffset.UtcNow;
        return Results.Json(TokenIssuer.TokenResponse(new Grant(realm, keys, issuer, client, user, session, scopes, Nonce: null), withRefreshToken: true));
    }
}
