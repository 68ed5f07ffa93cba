using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using MimeKit;

namespace Gsv.ControlPlane.Email;

/// <summary>The text of a low-credit or blocked (zero credits) email, plain text only.</summary>
public static class LowCreditEmail
{
    public static MimeMessage Build(ClaimedEmail email, string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(email.Recipient));
        // Stable per outbox row: a message sent twice (the sender died before marking it) is recognizably one.
        message.MessageId = $"outbox-{email.Id}@gsv.local";
        var workspace = string.IsNullOrWhiteSpace(email.WorkspaceName) ? "your workspace" : $"workspace \"{email.WorkspaceName}\"";
        if (email.Kind == WalletEventKind.Empty)
        {
            message.Subject = "Your GSV credits are used up: runs are blocked";
            message.Body = new TextPart("plain")
            {
                Text = $"""
                    The credits of {workspace} are used up (balance {email.Balance}).

                    Runs are blocked until a top-up: buy a credit pack in your wallet to resume.
                    """,
            };
        }
        else
        {
            message.Subject = "Your GSV credits are low";
            message.Body = new TextPart("plain")
            {
                Text = $"""
                    The credits of {workspace} are low: {email.Balance} left, below your warning threshold of {email.Threshold}.

                    Buy a credit pack in your wallet so your runs are not blocked when the credits run out.
                    """,
            };
        }

        return message;
    }
}

/// <summary>An outbox row claimed for sending, with its workspace's name.</summary>
public sealed record ClaimedEmail(long Id, Guid WorkspaceId, WalletEventKind Kind, string Recipient, long Balance, long Threshold, int Attempts, string? WorkspaceName);
