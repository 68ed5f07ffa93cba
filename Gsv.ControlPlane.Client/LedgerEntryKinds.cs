using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Gsv.ControlPlane.Client;

/// <summary>The wire names of <see cref="LedgerEntryKind"/>, read once from its <see cref="JsonStringEnumMemberNameAttribute"/>s.</summary>
public static class LedgerEntryKinds
{
    private static readonly FrozenDictionary<LedgerEntryKind, string> NameByKind = Enum.GetValues<LedgerEntryKind>().ToFrozenDictionary(
        kind => kind, kind => typeof(LedgerEntryKind).GetField(kind.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

    private static readonly FrozenDictionary<string, LedgerEntryKind> KindByName =
        NameByKind.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>Every kind, in declaration order.</summary>
    public static IReadOnlyList<LedgerEntryKind> All { get; } = Enum.GetValues<LedgerEntryKind>();

    /// <summary>The kind's name on the wire and in <c>?kind=</c>: <c>grant</c>, <c>hold</c>…</summary>
    public static string WireName(this LedgerEntryKind kind) => NameByKind[kind];

    /// <summary>The kind with this exact wire name; numbers, other cases and unknown names are not kinds.</summary>
    public static bool TryParse(string? name, out LedgerEntryKind kind) => KindByName.TryGetValue(name ?? "", out kind);
}
