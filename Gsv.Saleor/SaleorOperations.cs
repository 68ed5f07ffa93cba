using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Gsv.Saleor;

/// <summary>
/// The GraphQL documents the platform sends to Saleor: one embedded <c>Operations/*.graphql</c> file each, followed by
/// the <c>Fragments/*.graphql</c> definitions it spreads (directly or through other fragments), and no others, since
/// GraphQL rejects unused fragments. A fragment's file is named after the fragment.
/// </summary>
public static partial class SaleorOperations
{
    private const string Prefix = "Gsv.Saleor.Operations.";
    private const string FragmentPrefix = "Gsv.Saleor.Fragments.";
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
        var document = new StringBuilder(Read(Prefix + n + Suffix)
            ?? throw new ArgumentException($"No Saleor operation named '{n}'.", nameof(name)));
        var included = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(FragmentSpreads(document.ToString()));
        while (pending.TryDequeue(out var fragment))
        {
            if (!included.Add(fragment))
            {
                continue;
            }

            var definition = Read(FragmentPrefix + fragment + Suffix)
                ?? throw new InvalidOperationException($"Saleor operation '{n}' spreads unknown fragment '{fragment}'.");
            document.Append('\n').Append(definition);
            foreach (var nested in FragmentSpreads(definition))
            {
                pending.Enqueue(nested);
            }
        }

        return document.ToString();
    });

    private static string? Read(string resource)
    {
        using var stream = Assembly.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Names of the named fragments a document spreads (<c>...Name</c>; inline <c>... on Type</c> excluded).</summary>
    private static IEnumerable<string> FragmentSpreads(string document) =>
        FragmentSpread().Matches(document).Select(m => m.Groups["name"].Value);

    [GeneratedRegex(@"\.\.\.\s*(?!on\b)(?<name>[_A-Za-z][_0-9A-Za-z]*)")]
    private static partial Regex FragmentSpread();
}
