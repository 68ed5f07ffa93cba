using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Gsv.Shared;

/// <summary>
/// A status enum in a text column as its name in lower case (<c>open</c>, <c>pending</c>…): what the columns held
/// before they were enums, and what raw SQL compares them with (<see cref="LowerCaseEnum.LowerCaseName{TEnum}"/>).
/// </summary>
internal sealed class LowerCaseEnumConverter<TEnum>()
    : ValueConverter<TEnum, string>(value => value.LowerCaseName(), name => LowerCaseEnum.Parse<TEnum>(name))
    where TEnum : struct, Enum;

internal static class LowerCaseEnum
{
    /// <summary>The member's name in lower case, worked out once per member (batches write one per run).</summary>
    public static string LowerCaseName<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.ByValue.TryGetValue(value, out var name) ? name : throw new InvalidOperationException($"{value} is not a named {typeof(TEnum).Name}.");

    /// <summary>The member named <paramref name="name"/> in lower case; an unknown name throws.</summary>
    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        Names<TEnum>.ByName.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"'{name}' is not a {typeof(TEnum).Name}.");

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ByValue =
            Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(value => value, value => value.ToString().ToLowerInvariant());

        public static readonly FrozenDictionary<string, TEnum> ByName = ByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
    }
}
