namespace Gsv.Web.Account;

/// <summary>The console's form: the message, and what carries the conversation from one message to the next.</summary>
public sealed class RunForm
{
    /// <summary>The Gateway's bound on a run's input.</summary>
    public const int MaxMessageLength = 100_000;

    public string? Message { get; set; }

    /// <summary>The runtime's conversation id, given back by the previous run.</summary>
    public string? SessionId { get; set; }

    /// <summary>A fresh id per rendered form, sent as the run's <c>Idempotency-Key</c>: the same form posted twice runs once.</summary>
    public string? RunKey { get; set; }

    public string? Transcript { get; set; }

    /// <summary>Why the form cannot be sent, or null.</summary>
    public string? Problem() => Message switch
    {
        null or { Length: 0 } => "Type a message to run.",
        _ when string.IsNullOrWhiteSpace(Message) => "Type a message to run.",
        { Length: > MaxMessageLength } => $"A message has at most {MaxMessageLength:N0} characters.",
        _ when !Guid.TryParse(RunKey, out _) => "This form has expired: reload the page and send your message again.",
        _ when SessionId is { Length: > 200 } => "This conversation cannot continue: reload the page to start a new one.",
        _ => null,
    };
}
