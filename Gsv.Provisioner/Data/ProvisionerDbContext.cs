using Gsv.Shared;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Provisioner.Data;

/// <summary>The Provisioner's own database: its webhook inbox, the reconciler's retry bookkeeping, its Saleor app token and pull watermarks.</summary>
public sealed class ProvisionerDbContext(DbContextOptions<ProvisionerDbContext> options) : DbContext(options)
{
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();

    public DbSet<ReconcileFailure> ReconcileFailures => Set<ReconcileFailure>();

    public DbSet<SaleorAppToken> SaleorAppTokens => Set<SaleorAppToken>();

    public DbSet<PullWatermark> PullWatermarks => Set<PullWatermark>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // snake_case names: the inbox is claimed with hand-written SQL (FOR UPDATE SKIP LOCKED).
        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(m => m.Id);
            inbox.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            inbox.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(100);
            inbox.Property(m => m.OrderId).HasColumnName("order_id").HasMaxLength(200);
            inbox.Property(m => m.Payload).HasColumnName("payload");
            inbox.Property(m => m.Status).HasColumnName("status").HasConversion(new WireNameConverter<InboxStatus>()).HasMaxLength(20);
            inbox.Property(m => m.Attempts).HasColumnName("attempts");
            inbox.Property(m => m.ReceivedAt).HasColumnName("received_at");
            inbox.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at");
            inbox.Property(m => m.ProcessedAt).HasColumnName("processed_at");
            inbox.Property(m => m.LastError).HasColumnName("last_error");
            inbox.HasIndex(m => new { m.OrderId, m.EventType }).IsUnique();
            inbox.HasIndex(m => new { m.Status, m.NextAttemptAt });
        });

        modelBuilder.Entity<PullWatermark>(watermark =>
        {
            watermark.ToTable("pull_watermarks");
            watermark.HasKey(w => w.Name);
            watermark.Property(w => w.Name).HasColumnName("name").HasMaxLength(100);
            watermark.Property(w => w.Value).HasColumnName("value");
        });

        modelBuilder.Entity<ReconcileFailure>(failure =>
        {
            failure.ToTable("reconcile_failures");
            failure.HasKey(f => f.InstanceId);
            failure.Property(f => f.InstanceId).HasColumnName("instance_id");
            failure.Property(f => f.Failures).HasColumnName("failures");
            failure.Property(f => f.NextAttemptAt).HasColumnName("next_attempt_at");
            failure.Property(f => f.LastError).HasColumnName("last_error");
        });

        modelBuilder.Entity<SaleorAppToken>(token =>
        {
            token.ToTable("saleor_app_tokens");
            token.HasKey(t => t.AppId);
            token.Property(t => t.AppId).HasColumnName("app_id").HasMaxLength(200);
            token.Property(t => t.TokenId).HasColumnName("token_id").HasMaxLength(200);
            token.Property(t => t.Token).HasColumnName("token").HasMaxLength(200);
            token.Property(t => t.CreatedAt).HasColumnName("created_at");
        });
    }
}
