using System.Text.Json.Nodes;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// The realm's declarative user profile (component <c>declarative-user-profile</c>, <c>kc.user.profile.config</c>):
/// which attributes a user may edit themselves. Keycloak's default profile lets users edit their name and e-mail.
/// </summary>
public sealed class UserProfile
{
    public static readonly UserProfile Default = new(new Dictionary<string, HashSet<string>>(StringComparer.Ordinal));

    private readonly Dictionary<string, HashSet<string>> editRoles;

    private UserProfile(Dictionary<string, HashSet<string>> editRoles) => this.editRoles = editRoles;

    /// <summary>Whether the user (context <c>user</c>: account console and API) may change the attribute.</summary>
    public bool UserCanEdit(string attribute) => !editRoles.TryGetValue(attribute, out var roles) || roles.Contains("user");

    /// <summary>Reads the profile from a realm representation's <c>components</c>, or the default profile when there is none.</summary>
    public static UserProfile FromRealm(JsonObject realm)
    {
        var component = (realm["components"]?["org.keycloak.userprofile.UserProfileProvider"] as JsonArray ?? [])
            .FirstOrDefault(c => c?["providerId"]?.GetValue<string>() == "declarative-user-profile");
        if (component?["config"]?["kc.user.profile.config"] is not JsonArray { Count: > 0 } config
            || JsonNode.Parse(config[0]!.GetValue<string>()) is not JsonObject profile)
        {
            return Default;
        }

        var editRoles = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var attribute in profile["attributes"] as JsonArray ?? [])
        {
            if (attribute?["name"]?.GetValue<string>() is { Length: > 0 } name)
            {
                var roles = (attribute["permissions"]?["edit"] as JsonArray ?? []).Select(r => r!.GetValue<string>());
                editRoles[name] = new HashSet<string>(roles, StringComparer.Ordinal);
            }
        }

        return new UserProfile(editRoles);
    }
}
