using System.Linq.Expressions;
using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Tests.ControlPlane;

/// <summary>
/// A ledger entry's kind, its grant kind and a wallet event's kind each have one name everywhere: the JSON, the
/// database column and, for ledger entries, the <c>?kind=</c> filter.
/// </summary>
public sealed class KindNameTests
{
    [Theory]
    [InlineData(LedgerEntryKind.Grant, "grant")]
    [InlineData(LedgerEntryKind.Hold, "hold")]
    [InlineData(LedgerEntryKind.Capture, "capture")]
    [InlineData(LedgerEntryKind.Release, "release")]
    [InlineData(LedgerEntryKind.Refund, "refund")]
    [InlineData(LedgerEntryKind.Expire, "expire")]
    public void A_ledger_entry_kind_has_the_same_name_on_the_wire_in_the_filter_and_in_the_column(LedgerEntryKind kind, string name)
    {
        AssertNamed<LedgerEntry, LedgerEntryKind>(e => e.Kind, kind, name);
        Assert.Equal(name, kind.WireName());
        Assert.True(EnumWireNames.TryParse<LedgerEntryKind>(name, out var parsed));
        Assert.Equal(kind, parsed);
    }

    [Theory]
    [InlineData(WalletEventKind.Low, "low")]
    [InlineData(WalletEventKind.Resolved, "resolved")]
    [InlineData(WalletEventKind.Empty, "empty")]
    public void A_wallet_event_kind_has_the_same_name_on_the_wire_and_in_both_columns(WalletEventKind kind, string name)
    {
        AssertNamed<WalletEvent, WalletEventKind>(e => e.Kind, kind, name);
        AssertNamed<EmailOutboxMessage, WalletEventKind>(m => m.Kind, kind, name);
    }

    [Theory]
    [InlineData(GrantKind.Purchase, "purchase")]
    [InlineData(GrantKind.CreditPack, "credit_pack")]
    [InlineData(GrantKind.Trial, "trial")]
    [InlineData(GrantKind.Adjustment, "adjustment")]
    public void A_grant_kind_has_the_same_name_on_the_wire_and_in_the_column(GrantKind kind, string name)
    {
        AssertNamed<LedgerEntry, GrantKind?>(e => e.GrantKind, kind, name);
        Assert.Equal(name, kind.WireName());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("\"Purchase\"")]
    [InlineData("\"credit-pack\"")]
    public void A_grant_kind_in_json_is_only_a_wire_name(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<GrantKind>(json));

    [Fact]
    public void Every_ledger_entry_kind_is_covered() => Assert.Equal(6, EnumWireNames.All<LedgerEntryKind>().Count);

    [Theory]
    [InlineData("Grant")]
    [InlineData("GRANT")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("charge")]
    public void The_ledger_filter_takes_only_exact_wire_names(string? name) => Assert.False(EnumWireNames.TryParse<LedgerEntryKind>(name, out _));

    /// <summary>The value is <paramref name="name"/> in JSON, both ways, and in the entity's column, both ways.</summary>
    private static void AssertNamed<TEntity, TKind>(Expression<Func<TEntity, TKind>> property, TKind kind, string name)
    {
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(kind));
        Assert.Equal(kind, JsonSerializer.Deserialize<TKind>($"\"{name}\""));

        using var db = new ControlPlaneDbContext(new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql("Host=model-only").Options);
        var member = ((MemberExpression)property.Body).Member.Name;
        var column = db.Model.FindEntityType(typeof(TEntity))!.FindProperty(member)!.GetValueConverter()!;
        Assert.Equal(name, column.ConvertToProvider(kind));
        Assert.Equal(kind, column.ConvertFromProvider(name));
    }
}
