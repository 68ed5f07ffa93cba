using Gsv.ControlPlane.Client;
using Gsv.Shared;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gsv.ControlPlane.Data;

/// <summary>The Control Plane's own database: the platform's source of truth.</summary>
public sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<User> Users => Set<User>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Offering> Offerings => Set<Offering>();

    public DbSet<Instance> Instances => Set<Instance>();

    public DbSet<InstanceTransition> InstanceTransitions => Set<InstanceTransition>();

    public DbSet<Wallet> Wallets => Set<Wallet>();

    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();

    public DbSet<CreditHold> CreditHolds => Set<CreditHold>();

    public DbSet<TrialCredit> TrialCredits => Set<TrialCredit>();

    public DbSet<WalletEvent> WalletEvents => Set<WalletEvent>();

    public DbSet<EmailOutboxMessage> EmailOutbox => Set<EmailOutboxMessage>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Run> Runs => Set<Run>();

    public DbSet<ConnectorBinding> ConnectorBindings => Set<ConnectorBinding>();

    public DbSet<ToolCall> ToolCalls => Set<ToolCall>();

    /// <summary>The Data Protection key ring (connector secrets), shared by every Control Plane replica.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>True when saving failed on a unique index (another request inserted the same thing first).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Workspace>(workspace =>
        {
            workspace.ToTable("workspaces");
            workspace.HasKey(w => w.Id);
            workspace.Property(w => w.Name).HasMaxLength(200).IsRequired();
            workspace.HasIndex(w => w.PersonalOfUserId).IsUnique().HasFilter("\"PersonalOfUserId\" IS NOT NULL");
        });

        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Ignore(u => u.Pending);
            user.Property(u => u.Sub).HasMaxLength(200);
            user.Property(u => u.Email).HasMaxLength(320);
            user.Property(u => u.Name).HasMaxLength(200);
            user.HasIndex(u => u.Sub).IsUnique().HasFilter("\"Sub\" IS NOT NULL");
            // One user per (verified) email, pending or not: an order's email names one person, and concurrent
            // find-or-create calls or first sign-ins cannot duplicate them.
            user.HasIndex(u => u.Email, "IX_users_email_unique").IsUnique().HasFilter("\"Email\" IS NOT NULL");
        });

        modelBuilder.Entity<Membership>(membership =>
        {
            membership.ToTable("memberships");
            membership.HasKey(m => new { m.WorkspaceId, m.UserId });
            membership.Property(m => m.Role).HasMaxLength(20);
            membership.HasIndex(m => m.UserId);
            membership.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
            membership.HasOne<User>().WithMany().HasForeignKey(m => m.UserId);
        });

        modelBuilder.Entity<Offering>(offering =>
        {
            offering.ToTable("offerings");
            offering.HasKey(o => o.Slug);
            offering.Property(o => o.Slug).HasMaxLength(100);
            offering.Property(o => o.Name).HasMaxLength(200);
            offering.Property(o => o.Kind).HasMaxLength(50);
        });

        modelBuilder.Entity<Instance>(instance =>
        {
            instance.ToTable("instances");
            instance.HasKey(i => i.Id);
            instance.Property(i => i.State).HasConversion<string>().HasMaxLength(20);
            instance.Property(i => i.OfferingSlug).HasMaxLength(100);
            instance.Property(i => i.Kind).HasMaxLength(50);
            instance.HasIndex(i => i.WorkspaceId);
            instance.HasIndex(i => i.State);
            instance.HasIndex(i => new { i.OrderId, i.OrderLineId }).IsUnique().HasFilter("\"OrderId\" IS NOT NULL");
            // One trial per workspace and offering.
            instance.HasIndex(i => new { i.WorkspaceId, i.OfferingSlug }, "IX_instances_one_trial").IsUnique().HasFilter("\"IsTrial\"");
            instance.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId);
        });

        modelBuilder.Entity<InstanceTransition>(transition =>
        {
            transition.ToTable("instance_transitions");
            transition.HasKey(t => t.Id);
            transition.Property(t => t.From).HasConversion<string>().HasMaxLength(20);
            transition.Property(t => t.To).HasConversion<string>().HasMaxLength(20);
            transition.HasIndex(t => t.InstanceId);
            transition.HasOne<Instance>().WithMany().HasForeignKey(t => t.InstanceId);
        });

        modelBuilder.Entity<Wallet>(wallet =>
        {
            wallet.ToTable("wallets", table =>
            {
                table.HasCheckConstraint("CK_wallets_available_not_negative", "\"Balance\" - \"Held\" >= 0");
                table.HasCheckConstraint("CK_wallets_held_not_negative", "\"Held\" >= 0");
            });
            wallet.HasKey(w => w.WorkspaceId);
            wallet.Ignore(w => w.Available);
            wallet.Ignore(w => w.LowThreshold);
            wallet.Ignore(w => w.Trials);
            wallet.HasOne<Workspace>().WithOne().HasForeignKey<Wallet>(w => w.WorkspaceId);
        });

        modelBuilder.Entity<LedgerEntry>(entry =>
        {
            entry.ToTable("ledger_entries", table => table.HasCheckConstraint("CK_ledger_entries_amount", "\"Amount\" >= 0"));
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Kind).HasConversion(new WireNameConverter<LedgerEntryKind>()).HasMaxLength(20);
            entry.Property(e => e.GrantKind).HasConversion(new WireNameConverter<GrantKind>()).HasMaxLength(20);
            entry.Property(e => e.IdempotencyKey).HasMaxLength(200);
            entry.HasIndex(e => e.IdempotencyKey).IsUnique();
            entry.HasIndex(e => new { e.WorkspaceId, e.CreatedAt });
            entry.HasOne<Wallet>().WithMany().HasForeignKey(e => e.WorkspaceId);
        });

        modelBuilder.Entity<CreditHold>(hold =>
        {
            hold.ToTable("credit_holds");
            hold.HasKey(h => h.RunId);
            hold.Property(h => h.Status).HasConversion(new WireNameConverter<CreditHoldStatus>()).HasMaxLength(20);
            hold.Ignore(h => h.Remaining);
            hold.HasIndex(h => h.WorkspaceId);
            hold.HasIndex(h => new { h.Status, h.CreatedAt });
            hold.HasOne<Wallet>().WithMany().HasForeignKey(h => h.WorkspaceId);
        });

        modelBuilder.Entity<TrialCredit>(trial =>
        {
            trial.ToTable("trial_credits", table =>
            {
                table.HasCheckConstraint("CK_trial_credits_remaining", "\"Remaining\" >= 0 AND \"Remaining\" <= \"Granted\"");
                table.HasCheckConstraint("CK_trial_credits_held_not_negative", "\"Held\" >= 0");
            });
            trial.HasKey(t => t.InstanceId);
            trial.Ignore(t => t.Reserved);
            // Read with every locked wallet: only the trials that still earmark something.
            trial.HasIndex(t => t.WorkspaceId).HasFilter("\"Remaining\" > 0");
            trial.HasIndex(t => t.ExpiresAt).HasFilter("\"Remaining\" > 0");
            trial.HasOne<Instance>().WithOne().HasForeignKey<TrialCredit>(t => t.InstanceId);
            trial.HasOne<Wallet>().WithMany().HasForeignKey(t => t.WorkspaceId);
        });

        modelBuilder.Entity<WalletEvent>(walletEvent =>
        {
            walletEvent.ToTable("wallet_events");
            walletEvent.HasKey(e => e.Id);
            walletEvent.Property(e => e.Kind).HasConversion(new WireNameConverter<WalletEventKind>()).HasMaxLength(20);
            walletEvent.HasIndex(e => e.WorkspaceId);
            walletEvent.HasOne<Wallet>().WithMany().HasForeignKey(e => e.WorkspaceId);
        });

        modelBuilder.Entity<EmailOutboxMessage>(message =>
        {
            message.ToTable("email_outbox");
            message.HasKey(m => m.Id);
            message.Property(m => m.Kind).HasConversion(new WireNameConverter<WalletEventKind>()).HasMaxLength(20);
            message.Property(m => m.Recipient).HasMaxLength(320);
            message.Property(m => m.LastError).HasMaxLength(2000);
            // What the sender looks for: the messages not sent yet.
            message.HasIndex(m => m.NextAttemptAt).HasFilter("\"SentAt\" IS NULL");
            message.HasIndex(m => m.WorkspaceId);
            message.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(20);
            key.Property(k => k.Hash).HasMaxLength(64);
            key.HasIndex(k => k.Hash).IsUnique();
            key.HasIndex(k => k.InstanceId);
            key.HasOne<Instance>().WithMany().HasForeignKey(k => k.InstanceId);
        });

        modelBuilder.Entity<Run>(run =>
        {
            run.ToTable("runs");
            run.HasKey(r => r.RunId);
            run.Property(r => r.Caller).HasMaxLength(200);
            run.Property(r => r.Status).HasConversion(new WireNameConverter<RunStatus>()).HasMaxLength(20);
            run.HasIndex(r => new { r.WorkspaceId, r.StartedAt });
            run.HasIndex(r => r.InstanceId);
            run.HasOne<Instance>().WithMany().HasForeignKey(r => r.InstanceId);
        });

        modelBuilder.Entity<ConnectorBinding>(binding =>
        {
            binding.ToTable("connector_bindings");
            binding.HasKey(b => b.Id);
            binding.Property(b => b.ConnectorKey).HasMaxLength(50);
            // Small JSON objects by field name, replaced whole on every change.
            binding.Property(b => b.Settings).HasConversion(JsonText.Converter, JsonText.Comparer).HasColumnType("jsonb");
            binding.Property(b => b.SecretHints).HasConversion(JsonText.Converter, JsonText.Comparer).HasColumnType("jsonb");
            binding.HasIndex(b => new { b.InstanceId, b.ConnectorKey }).IsUnique();
            binding.HasOne<Instance>().WithMany().HasForeignKey(b => b.InstanceId);
        });

        modelBuilder.Entity<ToolCall>(call =>
        {
            call.ToTable("tool_calls");
            call.HasKey(c => c.Id);
            call.Property(c => c.ConnectorKey).HasMaxLength(50);
            call.Property(c => c.Tool).HasMaxLength(100);
            call.Property(c => c.Outcome).HasMaxLength(20);
            call.Property(c => c.Error).HasMaxLength(500);
            call.HasIndex(c => new { c.InstanceId, c.At });
            call.HasOne<Instance>().WithMany().HasForeignKey(c => c.InstanceId);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}
