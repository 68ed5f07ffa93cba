using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Gsv.ControlPlane.Data;

/// <summary>A string dictionary stored as a JSON object (compared by content, so an edit in place is saved too).</summary>
public static class JsonText
{
    public static readonly ValueConverter<Dictionary<string, string>, string> Converter = new(
        value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default),
        json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
        new ConverterMappingHints());

    public static readonly ValueComparer<Dictionary<string, string>> Comparer = new(
        (a, b) => a != null && b != null && a.Count == b.Count && !a.Except(b).Any(),
        value => value.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
        value => new Dictionary<string, string>(value));
}
