using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gsv.ControlPlane.Email;

/// <summary>
/// Sends the emails queued in <c>email_outbox</c>. A message is first claimed (one <c>UPDATE … FOR UPDATE SKIP
/// LOCKED</c>: two senders never take the same row), then sent, then marked sent; a failure (SMTP down, refused)
/// puts it back with a doubling delay, so nothing is lost while the server is away and each is sent once it is back.
/// </summary>
public sealed partial class EmailOutboxSender(
    IServiceScopeFactory scopes, IOptions<MailOptions> options, TimeProvider time, ILogger<EmailOutboxSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mail = options.Value;
        if (string.IsNullOrWhiteSpace(mail.Host))
        {
            LogNoServer(logger);
            return;
        }

        using var timer = new PeriodicTimer(mail.PollInterval, time);
        do
        {
            try
            {
                while (await SendDueAsync(mail, stoppingToken) == mail.BatchSize)
                {
                    // A full batch: more may be due.
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Claims the messages due and sends them over one SMTP connection (Host checked at start); returns how many were claimed.</summary>
    private async Task<int> SendDueAsync(MailOptions mail, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var claimed = await ClaimAsync(db, mail, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        using var smtp = new SmtpClient();
        Exception? connectFailure = null;
        try
        {
            await smtp.ConnectAsync(mail.Host!, mail.Port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            if (!string.IsNullOrEmpty(mail.UserName))
            {
                await smtp.AuthenticateAsync(mail.UserName, mail.Password ?? "", cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            connectFailure = exception;
        }

        foreach (var email in claimed)
        {
            var failure = connectFailure;
            if (failure is null)
            {
                try
                {
                    await smtp.SendAsync(LowCreditEmail.Build(email, mail.From), cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failure = exception;
                }
            }

            if (failure is null)
            {
                var sentAt = time.GetUtcNow();
                await db.EmailOutbox.Where(m => m.Id == email.Id)
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.SentAt, sentAt).SetProperty(x => x.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(x => x.LastError, (string?)null), CancellationToken.None);
                LogSent(logger, email.Id, email.Kind.WireName(), email.WorkspaceId);
            }
            else
            {
                var retryAt = time.GetUtcNow() + RetryDelay(email.Attempts, mail.MaxRetryDelay);
                var error = failure.Message.Length > 2000 ? failure.Message[..2000] : failure.Message;
                await db.EmailOutbox.Where(m => m.Id == email.Id)
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.NextAttemptAt, retryAt).SetProperty(x => x.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(x => x.LastError, error), CancellationToken.None);
                LogRetry(logger, email.Id, email.Attempts, retryAt, failure.Message);
            }
        }

        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(quit: true, cancellationToken);
        }

        return claimed.Count;
    }

    /// <summary>5 s after the first failure, doubling each time, at most <paramref name="max"/>.</summary>
    public static TimeSpan RetryDelay(int attempts, TimeSpan max)
    {
        var seconds = 5 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds));
    }

    private async Task<List<ClaimedEmail>> ClaimAsync(ControlPlaneDbContext db, MailOptions mail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("""
                UPDATE email_outbox SET "ClaimedUntil" = $2, "Attempts" = "Attempts" + 1
                WHERE "Id" IN (
                    SELECT "Id" FROM email_outbox
                    WHERE "SentAt" IS NULL AND "NextAttemptAt" <= $1 AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= $1)
                    ORDER BY "Id" LIMIT $3 FOR UPDATE SKIP LOCKED)
                RETURNING "Id", "WorkspaceId", "Kind", "Recipient", "Balance", "Threshold", "Attempts",
                    (SELECT w."Name" FROM workspaces w WHERE w."Id" = email_outbox."WorkspaceId")
                """, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = now },
                    new NpgsqlParameter { Value = now + mail.ClaimTimeout },
                    new NpgsqlParameter { Value = mail.BatchSize },
                },
            };
            var claimed = new List<ClaimedEmail>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedEmail(
                    reader.GetInt64(0), reader.GetGuid(1), EnumWireNames.Parse<WalletEventKind>(reader.GetString(2)), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5),
                    reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }

            return claimed;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No SMTP server configured (Mail:Host): emails stay in the outbox")]
    private static partial void LogNoServer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent email {EmailId} ({Kind}) of workspace {WorkspaceId}")]
    private static partial void LogSent(ILogger logger, long emailId, string kind, Guid workspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {EmailId} not sent (attempt {Attempts}); retried at {RetryAt}: {Reason}")]
    private static partial void LogRetry(ILogger logger, long emailId, int attempts, DateTimeOffset retryAt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The email outbox pass failed; it runs again at the next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
