using System.Collections.Concurrent;
using System.Reflection;

namespace Gsv.Saleor;

/// <summary>The GraphQL documents the platform sends to Saleor: one embedded <c>Operations/*.graphql</c> file each.</summary>
public static class SaleorOperations
{
    private const string Prefix = "Gsv.Saleor.Operations.";
    private const string Suffix = ".graphql";
    private static readonly Assembly Assembly = typeof(SaleorOperations).Assembly;
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>Names of every operation file (without extension).</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^Suffix.Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static string Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + n + Suffix)
            ?? throw new ArgumentException($"No Saleor operation named '{n}'.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
