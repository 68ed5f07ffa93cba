using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Emulators.Keycloak;

/// <summary>What a token request was granted: who, through which client, in which session, with which scopes.</summary>
public sealed record Grant(
    Realm Realm, KeycloakKeys Keys, string Issuer, RealmClient Client, RealmUser User, UserSession? Session,
    IReadOnlyList<string> Scopes, string? Nonce, string? ClientAddress = null);

/// <summary>Builds Keycloak-shaped access, ID and refresh tokens and token responses; validates its own tokens.</summary>
public static class TokenIssuer
{
    /// <summary>Default client scopes of a realm (always granted) and the optional ones a request may add.</summary>
    public static readonly string[] DefaultScopes = ["acr", "basic", "email", "profile", "roles", "web-origins"];
    public static readonly string[] OptionalScopes = ["address", "phone", "offline_access", "microprofile-jwt", "organization"];

    /// <summary>Client scopes that <c>include.in.token.scope</c> (the ones listed in the <c>scope</c> claim).</summary>
    private static readonly HashSet<string> ListedScopes = ["openid", "email", "profile", "address", "phone", "offline_access", "microprofile-jwt", "organization"];

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Requested scopes, or the name of the first unknown one.</summary>
    public static (List<string> Scopes, string? Invalid) ResolveScopes(string? requested)
    {
        var scopes = new List<string>();
        foreach (var scope in (requested ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (scope != "openid" && !DefaultScopes.Contains(scope) && !OptionalScopes.Contains(scope))
            {
                return (scopes, scope);
            }

            if (!scopes.Contains(scope))
            {
                scopes.Add(scope);
            }
        }

        foreach (var scope in DefaultScopes.Where(s => !scopes.Contains(s)))
        {
            scopes.Add(scope);
        }

        return (scopes, null);
    }

    public static string ScopeClaim(IEnumerable<string> scopes) =>
        string.Join(' ', new[] { "openid" }.Concat(DefaultScopes).Concat(OptionalScopes).Where(s => scopes.Contains(s) && ListedScopes.Contains(s)));

    public static Dictionary<string, object?> TokenResponse(Grant grant, bool withRefreshToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var response = new Dictionary<string, object?>
        {
            ["access_token"] = AccessToken(grant, now),
            ["expires_in"] = grant.Realm.AccessTokenLifespan,
            ["refresh_expires_in"] = withRefreshToken ? grant.Realm.SsoSessionIdleTimeout : 0,
        };
        if (withRefreshToken)
        {
            response["refresh_token"] = RefreshToken(grant, now);
        }

        response["token_type"] = "Bearer";
        if (grant.Scopes.Contains("openid"))
        {
            response["id_token"] = IdToken(grant, now, (string)response["access_token"]!);
        }

        response["not-before-policy"] = 0;
        if (grant.Session is not null)
        {
            response["session_state"] = grant.Session.Id;
        }

        response["scope"] = ScopeClaim(grant.Scopes);
        return response;
    }

    private static string AccessToken(Grant grant, long now)
    {
        var (realmRoles, clientRoles) = grant.Realm.EffectiveRoles(grant.User);
        // Default audience = every other client the token carries roles of, plus audience mappers.
        var audiences = grant.Client.Audiences.Concat(clientRoles.Keys.Where(c => c != grant.Client.ClientId)).Distinct().ToList();

        object? audience = audiences.Count switch { 0 => null, 1 => audiences[0], _ => audiences };
        var claims = StandardClaims(grant, now, audience, "Bearer");
        claims["acr"] = "1";
        var origins = grant.Client.WebOrigins.Contains("+")
            ? grant.Client.RedirectUris.Select(OriginOf).OfType<string>().Distinct().ToList()
            : grant.Client.WebOrigins;
        if (origins.Count > 0)
        {
            claims["allowed-origins"] = origins;
        }

        claims["realm_access"] = new { roles = realmRoles };
        var resourceAccess = clientRoles.ToDictionary(c => c.Key, c => new { roles = c.Value });
        if (resourceAccess.Count > 0)
        {
            claims["resource_access"] = resourceAccess;
        }

        claims["scope"] = ScopeClaim(grant.Scopes);
        AddUserClaims(claims, grant);
        if (grant.User.ServiceAccountClientId is not null)
        {
            claims["client_id"] = grant.Client.ClientId;
            claims["clientHost"] = grant.ClientAddress ?? "127.0.0.1";
            claims["clientAddress"] = grant.ClientAddress ?? "127.0.0.1";
        }

        return Handler.CreateToken(JsonSerializer.Serialize(claims), grant.Keys.SigningCredentials);
    }

    private static string IdToken(Grant grant, long now, string accessToken)
    {
        var claims = StandardClaims(grant, now, grant.Client.ClientId, "ID", grant.Nonce);
        // at_hash: left half of SHA-256 of the access token, base64url (OIDC Core 3.1.3.6).
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
        claims["at_hash"] = Base64UrlEncoder.Encode(hash[..16]);
        claims["acr"] = "1";
        AddUserClaims(claims, grant);
        return Handler.CreateToken(JsonSerializer.Serialize(claims), grant.Keys.SigningCredentials);
    }

    /// <summary>
    /// The claims access and ID tokens share, in Keycloak's order: exp, iat, auth_time, jti, iss, aud, sub, typ, azp,
    /// nonce, sid. <paramref name="audience"/> is left out when null; <paramref name="nonce"/> is given for ID tokens only.
    /// </summary>
    private static Dictionary<string, object?> StandardClaims(Grant grant, long now, object? audience, string type, string? nonce = null)
    {
        var claims = new Dictionary<string, object?>
        {
            ["exp"] = now + grant.Realm.AccessTokenLifespan,
            ["iat"] = now,
        };
        if (grant.Session is not null)
        {
            claims["auth_time"] = grant.Session.AuthTime;
        }

        claims["jti"] = Guid.NewGuid().ToString();
        claims["iss"] = grant.Issuer;
        if (audience is not null)
        {
            claims["aud"] = audience;
        }

        claims["sub"] = grant.User.Id;
        claims["typ"] = type;
        claims["azp"] = grant.Client.ClientId;
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (grant.Session is not null)
        {
            claims["sid"] = grant.Session.Id;
        }

        return claims;
    }

    private static string RefreshToken(Grant grant, long now)
    {
        var claims = new Dictionary<string, object?>
        {
            ["exp"] = now + grant.Realm.SsoSessionIdleTimeout,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iss"] = grant.Issuer,
            ["aud"] = grant.Issuer,
            ["sub"] = grant.User.Id,
            ["typ"] = "Refresh",
            ["azp"] = grant.Client.ClientId,
            ["sid"] = grant.Session?.Id,
            ["scope"] = string.Join(' ', grant.Scopes),
        };
        return Handler.CreateToken(JsonSerializer.Serialize(claims), grant.Keys.RefreshCredentials);
    }

    /// <summary>Claims of the <c>profile</c> and <c>email</c> scopes (token and userinfo).</summary>
    public static void AddUserClaims(IDictionary<string, object?> claims, Grant grant)
    {
        var user = grant.User;
        if (grant.Scopes.Contains("email"))
        {
            claims["email_verified"] = user.EmailVerified;
        }

        if (grant.Scopes.Contains("profile"))
        {
            if (user.FullName is { } name)
            {
                claims["name"] = name;
            }

            claims["preferred_username"] = user.Username;
            if (user.FirstName is not null)
            {
                claims["given_name"] = user.FirstName;
            }

            if (user.LastName is not null)
            {
                claims["family_name"] = user.LastName;
            }
        }

        if (grant.Scopes.Contains("email") && user.Email is not null)
        {
            claims["email"] = user.Email;
        }
    }

    /// <summary>Validates one of this realm's RS256 tokens (signature, issuer, lifetime); null when invalid.</summary>
    public static async Task<JsonWebToken?> ValidateAsync(string? token, KeycloakKeys keys, string issuer, bool validateLifetime = true)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            IssuerSigningKey = keys.Signing,
            ValidateAudience = false,
            ValidateLifetime = validateLifetime,
            ClockSkew = TimeSpan.Zero,
        });
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    /// <summary>Validates a refresh token's HS512 signature and issuer; lifetime is reported separately (Keycloak says "Token is not active").</summary>
    public static async Task<(JsonWebToken? Token, bool Expired)> ValidateRefreshAsync(string? token, KeycloakKeys keys, string issuer)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, false);
        }

        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = issuer,
            IssuerSigningKey = keys.Refresh,
            ValidateLifetime = false,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || !jwt.TryGetPayloadValue<string>("typ", out var typ) || typ != "Refresh")
        {
            return (null, false);
        }

        return (jwt, jwt.ValidTo < DateTime.UtcNow);
    }

    private static string? OriginOf(string uri) =>
        Uri.TryCreate(uri.TrimEnd('*'), UriKind.Absolute, out var parsed) ? parsed.GetLeftPart(UriPartial.Authority) : null;
}
