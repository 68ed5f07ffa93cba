using Gsv.ServiceDefaults.Problems;

namespace Gsv.Gateway.Problems;

/// <summary>The gateway's own problem codes (next to <see cref="GsvProblems"/>).</summary>
public static class GatewayProblems
{
    public const string TweakNotAllowed = "tweak_not_allowed";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string FlowTemplateUnavailable = "flow_template_unavailable";
}
