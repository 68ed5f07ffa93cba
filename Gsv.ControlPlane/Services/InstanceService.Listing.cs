using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Gsv.ControlPlane.Client;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Services;

/// <summary>Which instances a listing returns; empty lists mean "any".</summary>
public sealed record InstanceFilter(IReadOnlyList<InstanceState> States, Guid? WorkspaceId, IReadOnlyList<Guid> Ids);

public sealed partial class InstanceService
{
    public const int MaxPageSize = 1000;

    /// <summary>
    /// One page in (created, id) order, after <paramref name="after"/> (a cursor from the previous page). Keyset paging:
    /// instances created or moved meanwhile neither shift nor repeat the pages still to come.
    /// </summary>
    public async Task<InstancePage> ListPageAsync(InstanceFilter filter, InstanceCursor? after, int limit, CancellationToken cancellationToken)
    {
        var query = db.Instances.AsNoTracking();
        if (filter.States.Count > 0)
        {
            query = query.Where(i => filter.States.Contains(i.State));
        }

        if (filter.WorkspaceId is { } workspaceId)
        {
            query = query.Where(i => i.WorkspaceId == workspaceId);
        }

        if (filter.Ids.Count > 0)
        {
            query = query.Where(i => filter.Ids.Contains(i.Id));
        }

        if (after is { } cursor)
        {
            query = query.Where(i => EF.Functions.GreaterThan(ValueTuple.Create(i.CreatedAt, i.Id), ValueTuple.Create(cursor.CreatedAt, cursor.Id)));
        }

        // One more than asked: tells whether a next page exists without a count.
        var rows = await query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(i => i.ToDto()).ToList();
        var next = rows.Count > limit ? new InstanceCursor(rows[limit - 1].CreatedAt, rows[limit - 1].Id).Encode() : null;
        return new InstancePage(items, next);
    }
}

/// <summary>Where a page of instances ended: opaque to callers (base64url of creation time and id).</summary>
public readonly record struct InstanceCursor(DateTimeOffset CreatedAt, Guid Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    public static bool TryDecode(string? value, out InstanceCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(value) || value.Length > 100 || !Base64Url.IsValid(value))
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(value)).Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        cursor = new InstanceCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
