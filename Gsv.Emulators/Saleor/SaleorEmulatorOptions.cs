namespace Gsv.Emulators.Saleor;

/// <summary>What a Saleor container gets from its environment.</summary>
public sealed class SaleorEmulatorOptions
{
    /// <summary>PUBLIC_URL: drives Saleor-Domain, Saleor-Api-Url and the JWT issuer.</summary>
    public required Uri PublicUrl { get; init; }

    public string ApiUrl => new Uri(PublicUrl, "graphql/").ToString();

    public string Domain => PublicUrl.Authority;

    public string? StaffEmail { get; init; }

    public string? StaffPassword { get; init; }

    /// <summary>Celery's retry_backoff for webhooks: waits of base·2ⁿ (10, 20, 40, 80, 160 s in Saleor).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxRetries { get; init; } = 5;

    public static SaleorEmulatorOptions From(IConfiguration configuration) => new()
    {
        PublicUrl = new Uri(configuration["PUBLIC_URL"] ?? (configuration["urls"]?.Split(';')[0] is { } url ? url + "/" : "http://localhost:8000/")),
        StaffEmail = configuration["Saleor:StaffEmail"],
        StaffPassword = configuration["Saleor:StaffPassword"],
        RetryBackoff = TimeSpan.FromSeconds(configuration.GetValue("Saleor:WebhookRetryBackoffSeconds", 10.0)),
    };
}
