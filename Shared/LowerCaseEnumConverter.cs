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
    public static string LowerCaseName<TEnum>(this TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The member named <paramref name="name"/> in lower case; an unknown name throws.</summary>
    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(name, ignoreCase: true, out var value) && name == value.LowerCaseName()
            ? value
            : throw new InvalidOperationException($"'{name}' is not a {typeof(TEnum).Name}.");
}
