using Gsv.ControlPlane.Client;
using Gsv.ServiceDefaults.Problems;

namespace Gsv.Web.Account;

public sealed record ConsoleLink(string Text, string Href);

/// <summary>What the console says when a run is refused or fails, and where the buyer can go next.</summary>
public sealed record ConsoleProblem(string Message, ConsoleLink? Link = null, bool KeepMessage = false)
{
    public static readonly ConsoleLink BuyCredits = new("Buy credits", "account/wallet#credit-packs");

    /// <summary>The instance's Connect tab, where a needed connector is bound.</summary>
    public static ConsoleLink Connect(InstanceDto instance) => new("Go to Connect", $"account/instances/{instance.Id}/connect");

    public static ConsoleProblem From(RunProblem problem, InstanceDto instance, string offeringName, bool answered) => (problem.Status, problem.Code) switch
    {
        (402, _) => new($"Not enough credits: a run of {offeringName} costs {CreditsText.Of(instance.CreditsPerRun)}. Nothing was charged.", BuyCredits, KeepMessage: true),
        (409, GsvProblems.TrialExpired) => new($"Your free trial of {offeringName} has ended. Buy it to keep using it.",
            new ConsoleLink($"Buy {offeringName}", $"marketplace/{instance.OfferingSlug}")),
        (409, GsvProblems.ConnectorRequired) => new(
            $"{offeringName} needs a connector before it can run: connect it on the Connect tab, then send your message again. Nothing was charged.",
            Connect(instance), KeepMessage: true),
        (409, GsvProblems.Conflict) => new("This message is already running. Wait for its answer.", KeepMessage: true),
        (409, _) => new($"This instance is not active, so it cannot run right now ({problem.Detail})."),
        (429, _) => new("Too many runs in a short time. Wait a moment and send your message again.", KeepMessage: true),
        (502, _) => new(
            (answered ? "The run failed after part of the answer was delivered, so it was charged." : "The run failed; nothing was charged.")
            + (problem.CorrelationId is { } reference ? $" If it keeps failing, contact support with the reference {reference}." : ""),
            KeepMessage: true),
        (400 or 413 or 422, _) => new($"The message was refused: {problem.Detail}", KeepMessage: true),
        _ => new($"The run could not be started ({problem.Status} {problem.Title}). Try again in a moment.", KeepMessage: true),
    };
}
