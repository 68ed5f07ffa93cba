using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.Gateway.Problems;
using Gsv.Langflow;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;

namespace Gsv.Gateway.Runs;

/// <summary>
/// Which tweaks a run may send: only the <c>component.field</c> pairs its instance's flow template allows
/// (<see cref="FlowTemplate.AllowedTweaks"/>, none unless declared), each a string, number or boolean no longer than
/// the size declared for it. Anything else could change what the caller pays for (the model, its token limit, its
/// base URL) or read out the seller's prompt, so it is refused with <c>tweak_not_allowed</c> naming the field.
/// </summary>
public sealed class TweakPolicy(FlowTemplateCatalog templates)
{
    private static readonly IReadOnlyDictionary<string, int> None = new Dictionary<string, int>();

    /// <summary>The allow-list of a flow template (empty when unknown).</summary>
    public IReadOnlyDictionary<string, int> AllowedFor(string? flowTemplate) =>
        flowTemplate is not null && templates.Find(flowTemplate) is { } template ? template.AllowedTweaks : None;

    /// <summary>Null when every tweak is allowed, else the 400 <c>tweak_not_allowed</c> problem for the first that is not.</summary>
    public IResult? Check(string? flowTemplate, JsonObject? tweaks)
    {
        if (tweaks is null || tweaks.Count == 0)
        {
            return null;
        }

        var allowed = AllowedFor(flowTemplate);
        foreach (var (component, fields) in tweaks)
        {
            foreach (var (field, value) in (JsonObject)fields!)
            {
                var name = component + "." + field;
                if (!allowed.TryGetValue(name, out var maxLength))
                {
                    return Refuse(name, "This offering does not allow this tweak.");
                }

                if (value is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    return Refuse(name, "A tweak value must be a string, a number or a boolean.");
                }

                var text = scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
                if (text.Length > maxLength)
                {
                    return Refuse(name, $"This tweak may have at most {maxLength} characters.");
                }

                if (FreeText.HasControlCharacters(text))
                {
                    return Refuse(name, "A tweak value may not have control characters other than tabs and line breaks.");
                }
            }
        }

        return null;
    }

    private static IResult Refuse(string name, string message)
    {
        var quoted = FreeText.Excerpt(name);
        return GsvProblems.Problem(GatewayProblems.TweakNotAllowed, StatusCodes.Status400BadRequest, "Tweak not allowed",
            $"Tweak '{quoted}': {message}", new Dictionary<string, object?>
            {
                ["field"] = "tweaks." + quoted,
                ["errors"] = new Dictionary<string, string[]> { ["tweaks." + quoted] = [message] },
            });
    }
}
