namespace Gsv.ControlPlane.Email;

/// <summary>The SMTP server the Control Plane's emails go through (<c>Mail</c> section; the AppHost sets it).</summary>
public sealed class MailOptions
{
    public const string SectionName = "Mail";

    /// <summary>No host: emails stay queued in the outbox (nothing is sent, nothing lost).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>When set, the sender authenticates (a real relay); smtp4dev needs none.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "GSV <no-reply@gsv.local>";

    /// <summary>How often the outbox is looked at for messages due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait before retrying a message whose sending failed (the backoff doubles up to this).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A claimed message not marked sent within this is claimed again (its sender died while sending).</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public int BatchSize { get; set; } = 20;
}
