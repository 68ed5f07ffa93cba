using System.Globalization;
using System.Text;
using System.Text.Json;
using GraphQL;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

/// <summary>Who is calling: a staff user (superuser here), an app (its permissions) or nobody.</summary>
public sealed record SaleorCaller(UserRow? User, AppRow? App)
{
    public bool IsStaff => User?.IsStaff == true;

    public bool Has(string permission) => IsStaff || App?.Permissions.Contains(permission) == true;
}

/// <summary>Helpers shared by the resolvers: global IDs, arguments, connections, errors.</summary>
public static class SaleorGraph
{
    public static string Gid(string type, object pk) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{type}:{pk}"));

    public static (string Type, string Pk)? ParseGid(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(id));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? (text[..colon], text[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static int? IntPk(string? id, string type) =>
        ParseGid(id) is { } g && g.Type == type && int.TryParse(g.Pk, CultureInfo.InvariantCulture, out var pk) ? pk : null;

    public static Guid? GuidPk(string? id, string type) =>
        ParseGid(id) is { } g && g.Type == type && Guid.TryParse(g.Pk, out var pk) ? pk : null;

    public static SaleorCaller Caller(IResolveFieldContext context) => (SaleorCaller)context.UserContext["caller"]!;

    public static void Require(IResolveFieldContext context, params string[] anyOf)
    {
        var caller = Caller(context);
        if (!anyOf.Any(caller.Has))
        {
            throw PermissionDenied(anyOf);
        }
    }

    public static ExecutionError PermissionDenied(IEnumerable<string> permissions) =>
        new($"To access this path, you need one of the following permissions: {string.Join(", ", permissions)}") { Code = "PermissionDenied" };

    // ---- arguments -----------------------------------------------------------------------------------------------

    public static IDictionary<string, object?>? Obj(object? value) => value as IDictionary<string, object?>;

    public static object? Arg(IResolveFieldContext context, string name) =>
        context.Arguments is { } args && args.TryGetValue(name, out var value) ? value.Value : null;

    public static IDictionary<string, object?> InputArg(IResolveFieldContext context, string name = "input") => Obj(Arg(context, name)) ?? new Node();

    public static object? Get(IDictionary<string, object?>? input, string key) => input is not null && input.TryGetValue(key, out var v) ? v : null;

    public static string? Str(IDictionary<string, object?>? input, string key) => Get(input, key)?.ToString();

    public static bool? Bool(IDictionary<string, object?>? input, string key) => Get(input, key) is bool b ? b : null;

    public static decimal? Dec(object? value) => value switch
    {
        null => null,
        string s => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        IConvertible c => c.ToDecimal(CultureInfo.InvariantCulture),
        _ => null,
    };

    public static IReadOnlyList<object?> List(object? value) => value switch
    {
        null => [],
        string s => [s],
        System.Collections.IEnumerable e => e.Cast<object?>().ToList(),
        _ => [value],
    };

    public static IReadOnlyList<string> Strings(IDictionary<string, object?>? input, string key) =>
        List(Get(input, key)).Where(v => v is not null).Select(v => v!.ToString()!).ToList();

    // ---- results -------------------------------------------------------------------------------------------------

    public static Node Error(string? field, string code, string message) => new() { ["field"] = field, ["code"] = code, ["message"] = message };

    /// <summary>A mutation payload with errors and a null result.</summary>
    public static Node Failed(params Node[] errors) => new() { ["errors"] = errors };

    public static Node Payload(string field, object? value) => new() { [field] = value, ["errors"] = Array.Empty<Node>() };

    public static Node Money(decimal amount, string currency) => new()
    {
        ["amount"] = (double)amount, ["currency"] = currency, ["fractionDigits"] = 2, ["fractionalAmount"] = (int)(amount * 100),
    };

    public static Node Taxed(decimal amount, string currency) => new()
    {
        ["currency"] = currency, ["gross"] = Money(amount, currency), ["net"] = Money(amount, currency), ["tax"] = Money(0, currency),
    };

    public static Node[] Metadata(IReadOnlyDictionary<string, string> items) =>
        items.Select(kv => new Node { ["key"] = kv.Key, ["value"] = kv.Value }).ToArray();

    public static string Slugify(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value.Trim().ToLowerInvariant())
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : '-');
        }

        var slug = builder.ToString();
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }

        return slug.Trim('-');
    }

    /// <summary>
    /// A Relay connection over already-sorted items with Saleor's rules: <c>first</c> or <c>last</c> is required,
    /// at most 100; cursors are base64 of a JSON array of the sort key values.
    /// </summary>
    public static Node Connection<T>(IResolveFieldContext context, IReadOnlyList<T> items, Func<T, object[]> sortKey, Func<T, Node> toNode)
    {
        var first = Arg(context, "first") is { } f ? Convert.ToInt32(f, CultureInfo.InvariantCulture) : (int?)null;
        var last = Arg(context, "last") is { } l ? Convert.ToInt32(l, CultureInfo.InvariantCulture) : (int?)null;
        var field = context.FieldDefinition.Name;
        if (first is null && last is null)
        {
            throw new ExecutionError($"You must provide a `first` or `last` value to properly paginate the `{field}` connection.") { Code = "GraphQLError" };
        }

        if ((first ?? last) > 100)
        {
            throw new ExecutionError($"Requesting {first ?? last} records on the `{field}` connection exceeds the `{(first is null ? "last" : "first")}` limit of 100 records.") { Code = "GraphQLError" };
        }

        string CursorOf(T item) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(sortKey(item))));
        var start = 0;
        if (Arg(context, "after") is string after)
        {
            var index = items.Select(CursorOf).ToList().IndexOf(after);
            start = index + 1;
        }

        var window = items.Skip(start).ToList();
        var page = first is { } n ? window.Take(n).ToList() : window.TakeLast(last!.Value).ToList();
        var edges = page.Select(i => new Node { ["node"] = toNode(i), ["cursor"] = CursorOf(i) }).ToArray();
        return new Node
        {
            ["edges"] = edges,
            ["totalCount"] = items.Count,
            ["pageInfo"] = new Node
            {
                ["hasNextPage"] = first is not null && window.Count > page.Count,
                ["hasPreviousPage"] = start > 0,
                ["startCursor"] = edges.FirstOrDefault()?["cursor"],
                ["endCursor"] = edges.LastOrDefault()?["cursor"],
            },
        };
    }
}
