using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Tests.ControlPlane;

/// <summary>A ledger entry's kind has one name everywhere: the JSON, the <c>?kind=</c> filter and the database column.</summary>
public sealed class LedgerEntryKindTests
{
    [Theory]
    [InlineData(LedgerEntryKind.Grant, "grant")]
    [InlineData(LedgerEntryKind.Hold, "hold")]
    [InlineData(LedgerEntryKind.Capture, "capture")]
    [InlineData(LedgerEntryKind.Release, "release")]
    [InlineData(LedgerEntryKind.Refund, "refund")]
    [InlineData(LedgerEntryKind.Expire, "expire")]
    public void A_kind_has_the_same_name_on_the_wire_in_the_filter_and_in_the_column(LedgerEntryKind kind, string name)
    {
        Assert.Equal(name, kind.WireName());
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(kind));
        Assert.Equal(kind, JsonSerializer.Deserialize<LedgerEntryKind>($"\"{name}\""));
        Assert.True(LedgerEntryKinds.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);

        using var db = new ControlPlaneDbContext(new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql("Host=model-only").Options);
        var column = db.Model.FindEntityType(typeof(LedgerEntry))!.FindProperty(nameof(LedgerEntry.Kind))!.GetValueConverter()!;
        Assert.Equal(name, column.ConvertToProvider(kind));
        Assert.Equal(kind, column.ConvertFromProvider(name));
    }

    [Fact]
    public void Every_kind_is_covered() => Assert.Equal(6, LedgerEntryKinds.All.Count);

    [Theory]
    [InlineData("Grant")]
    [InlineData("GRANT")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("charge")]
    public void The_filter_takes_only_exact_wire_names(string? name) => Assert.False(LedgerEntryKinds.TryParse(name, out _));
}
