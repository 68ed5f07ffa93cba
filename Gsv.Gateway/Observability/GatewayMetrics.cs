using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gsv.Gateway.Observability;

/// <summary>
/// Meter <c>Gsv.Gateway</c>: runs by outcome, runtime failures, credits charged, 402s and 429s, credit batch sizes,
/// credit holds by source, settlements given up.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Gsv.Gateway";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _creditsCharged;
    private readonly Counter<long> _insufficientCredits;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _creditBatchSize;
    private readonly Counter<long> _creditHolds;
    private readonly Counter<long> _settlementsGivenUp;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("gsv.gateway.runs", "{run}", "Runs finished on the runtime, by outcome (succeeded, failed).");
        _failures = meter.CreateCounter<long>("gsv.gateway.run.failures", "{run}", "Runs that failed or timed out on the runtime (released, not charged).");
        _creditsCharged = meter.CreateCounter<long>("gsv.gateway.credits.charged", "{credit}", "Credits captured for successful runs.");
        _insufficientCredits = meter.CreateCounter<long>("gsv.gateway.insufficient_credits", "{request}", "Runs refused with 402 insufficient_credits.");
        _rateLimited = meter.CreateCounter<long>("gsv.gateway.rate_limited", "{request}", "Runs refused with 429 (workspace rate limit).");
        _duration = meter.CreateHistogram<double>("gsv.gateway.run.duration", "ms", "Time of a run through the gateway, runtime included.");
        _creditBatchSize = meter.CreateHistogram<int>("gsv.gateway.credit_batch.size", "{item}", "Holds and settlements sent to the Control Plane in one batch.");
        _creditHolds = meter.CreateCounter<long>("gsv.gateway.credit_holds", "{hold}",
            "Credit holds of runs, by source: ready (made ahead, no wait) or requested (the run waited for the Control Plane).");
        _settlementsGivenUp = meter.CreateCounter<long>("gsv.gateway.settlements.given_up", "{settlement}",
            "Settlements given up after their retries: runs answered but neither charged nor recorded (their holds are swept).");
    }

    public void RunSucceeded(long charged, bool streamed, double milliseconds)
    {
        var tags = new TagList { { "outcome", "succeeded" }, { "streamed", streamed } };
        _runs.Add(1, tags);
        _duration.Record(milliseconds, tags);
        if (charged > 0)
        {
            _creditsCharged.Add(charged);
        }
    }

    public void RunFailed(string reason, bool streamed)
    {
        _runs.Add(1, new TagList { { "outcome", "failed" }, { "streamed", streamed } });
        _failures.Add(1, new TagList { { "reason", reason } });
    }

    public void InsufficientCredits() => _insufficientCredits.Add(1);

    public void RateLimited() => _rateLimited.Add(1);

    public void CreditBatch(int items) => _creditBatchSize.Record(items);

    public void CreditHold(bool ready) => _creditHolds.Add(1, new TagList { { "source", ready ? "ready" : "requested" } });

    public void SettlementGivenUp() => _settlementsGivenUp.Add(1);
}
