using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Email;

namespace Gsv.Tests.ControlPlane;

/// <summary>The low-credit emails' text and the sender's retry backoff (no SMTP server involved).</summary>
public sealed class LowCreditEmailTextTests
{
    [Fact]
    public void Retries_wait_five_seconds_then_double_up_to_the_maximum()
    {
        var max = TimeSpan.FromMinutes(1);
        Assert.Equal(
            [5, 10, 20, 40, 60, 60],
            new[] { 1, 2, 3, 4, 5, 1000 }.Select(attempts => EmailOutboxSender.RetryDelay(attempts, max).TotalSeconds));
    }

    [Fact]
    public void The_low_email_gives_balance_and_threshold_and_the_empty_one_says_runs_are_blocked()
    {
        var low = LowCreditEmail.Build(new ClaimedEmail(7, Guid.NewGuid(), WalletEventKind.Low, "ann@example.com", 19, 20, 1, "Acme"), "GSV <no-reply@gsv.local>");
        Assert.Equal("Your GSV credits are low", low.Subject);
        Assert.Contains("19 left, below your warning threshold of 20", low.TextBody);
        Assert.Equal("ann@example.com", Assert.Single(low.To.Mailboxes).Address);
        Assert.Equal("outbox-7@gsv.local", low.MessageId);

        var empty = LowCreditEmail.Build(new ClaimedEmail(8, Guid.NewGuid(), WalletEventKind.Empty, "ann@example.com", 0, 20, 1, "Acme"), "GSV <no-reply@gsv.local>");
        Assert.Equal("Your GSV credits are used up: runs are blocked", empty.Subject);
        Assert.Contains("Runs are blocked until a top-up", empty.TextBody);
    }
}
