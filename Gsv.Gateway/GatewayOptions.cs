namespace Gsv.Gateway;

/// <summary>Section <c>Gateway</c>: limits and cache lifetimes of the run path (the AppHost may override each).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Runs a workspace may start per minute (all its instances and callers together).</summary>
    public int RunsPerMinute { get; set; } = 600;

    /// <summary>How long a run may take on Langflow before it is abandoned (released, 502).</summary>
    public TimeSpan RuntimeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The Gateway's MCP endpoint as Langflow reaches it (e.g. <c>http://gateway:8080/mcp</c>), given to the flows of
    /// instances that use connectors. Unset, the gateway's own listening address (a Langflow on the same machine).
    /// </summary>
    public string? McpUrl { get; set; }

    /// <summary>The secret (at least 32 characters) that run tokens are signed with; shared by every gateway replica.</summary>
    public string? RunTokenKey { get; set; }

    /// <summary>How long a run's MCP token is accepted: a little longer than a run may take.</summary>
    public TimeSpan RunTokenLifetime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long a resolved API key is trusted without asking the Control Plane again: a revoked key keeps working on
    /// this gateway for at most this long.
    /// </summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an instance record (state, flow id, price) is reused: a suspension takes effect within this.</summary>
    public TimeSpan InstanceCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most API keys (known or not) remembered at once; the least recently used is forgotten first.</summary>
    public int ApiKeyCacheCapacity { get; set; } = 10_000;

    /// <summary>Most instance records remembered at once (by id, and per user); the least recently used is forgotten first.</summary>
    public int InstanceCacheCapacity { get; set; } = 10_000;

    /// <summary>
    /// API keys a client address (an IPv4 address, an IPv6 /64) may have looked up in the Control Plane per second,
    /// on average; keys already remembered cost nothing. Beyond it: 429 before any Control Plane call.
    /// </summary>
    public double ApiKeyLookupsPerSecond { get; set; } = 10;

    /// <summary>How many API key lookups a client address may make at once before <see cref="ApiKeyLookupsPerSecond"/> applies.</summary>
    public int ApiKeyLookupBurst { get; set; } = 100;

    /// <summary>
    /// Credit batches (holds and settlements of concurrent runs) in flight to the Control Plane at once; runs arriving
    /// meanwhile wait for the next batch. More means less waiting, fewer means bigger batches and fewer transactions.
    /// </summary>
    public int CreditBatchesInFlight { get; set; } = 2;

    /// <summary>
    /// How long a credit batch of background settlements and releases may wait for more items before it is sent:
    /// fewer, fuller batches for the Control Plane (at 2,000 runs/s, 30 ms cost PostgreSQL and the Control Plane a
    /// fifth less CPU per run than 10 ms). Holds never wait for it: neither a run's own nor a refill of the shares ahead.
    /// </summary>
    public TimeSpan CreditBatchLinger { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Most holds and settlements in one credit batch (the Control Plane accepts up to 500).</summary>
    public int CreditBatchMaxItems { get; set; } = 200;

    /// <summary>
    /// Waits between the attempts of a background settlement whose batch failed, one per retry (then it is given up
    /// and logged). A stopping gateway does not wait them out: it sends the waiting settlements at once.
    /// </summary>
    public TimeSpan[] SettlementRetryDelays { get; set; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    /// <summary>
    /// Most runs an instance keeps credits held ahead for while its runs overlap (about twice the runs of the last
    /// 100 ms, up to this) or warm (<see cref="CreditKeepWarm"/>), as shares of holds made for several runs; 0 holds
    /// only when a run arrives. Untaken shares count as held in the workspace's wallet. A refill is sent once a quarter
    /// is used, so the rest must outlast the Control Plane's slowest answers: at 1,500 runs/s, 256 leave 192, about 130 ms (128 left runs waiting for their
    /// own hold in 1–2 % of cases).
    /// </summary>
    public int CreditPrefetchMax { get; set; } = 256;

    /// <summary>Untaken shares of an instance unused for this long are released.</summary>
    public TimeSpan CreditPrefetchIdle { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After an instance's last run, for this long, it keeps a few credits held ahead (two runs' worth, or twice the runs
    /// of the last 100 ms), so the next run, even alone, takes a share instead of waiting for a hold of its own: a
    /// Control Plane round trip and a commit. They show as held in the wallet until then, and are renewed each minute;
    /// zero holds ahead only while runs overlap. At most 10 min (when the gateway forgets an unused instance).
    /// </summary>
    public TimeSpan CreditKeepWarm { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the result of a run started with an <c>Idempotency-Key</c> is kept for replays.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);
}
