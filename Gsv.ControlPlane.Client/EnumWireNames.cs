using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Gsv.ControlPlane.Client;

/// <summary>
/// The one name of each member of a status or kind enum: in JSON, in query strings and in text columns. It is the
/// member's <see cref="JsonStringEnumMemberNameAttribute"/> when it has one (what <see cref="JsonStringEnumConverter{TEnum}"/>
/// writes), otherwise its name in lower case. Worked out once per enum: batches write one per run.
/// </summary>
public static class EnumWireNames
{
    /// <summary>The member's wire name; a value that names no member throws.</summary>
    public static string WireName<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.ByValue.TryGetValue(value, out var name) ? name : throw new InvalidOperationException($"{value} is not a named {typeof(TEnum).Name}.");

    /// <summary>The member with exactly this wire name; numbers, other cases and unknown names are not members.</summary>
    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.ByName.TryGetValue(name ?? "", out value);

    /// <summary>The member with exactly this wire name; anything else throws (a column holding a name no member has).</summary>
    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value) ? value : throw new InvalidOperationException($"'{name}' is not a {typeof(TEnum).Name}.");

    /// <summary>Every member's wire name, in declaration order (for messages listing what is accepted).</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Names<TEnum>.InOrder;

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(
            value => value,
            value => typeof(TEnum).GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString().ToLowerInvariant());

        public static readonly string[] InOrder = [.. Enum.GetValues<TEnum>().Distinct().Select(value => ByValue[value])];

        public static readonly FrozenDictionary<string, TEnum> ByName = ByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
    }
}
