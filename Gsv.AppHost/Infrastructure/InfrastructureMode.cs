namespace Gsv.AppHost.Infrastructure;

/// <summary>Where the third-party systems come from: real containers, or local servers and emulators.</summary>
public enum InfrastructureMode
{
    Containers,
    Local,
}

public static class InfrastructureModeResolver
{
    public const string ConfigurationKey = "Gsv:Infrastructure";

    /// <summary>An explicit <c>Gsv:Infrastructure</c> wins; otherwise publishing means containers and running means local.</summary>
    public static InfrastructureMode Resolve(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode)
                ? mode
                : throw new InvalidOperationException(
                    $"{ConfigurationKey} is '{configured}'; expected 'containers' or 'local'.");
        }

        return builder.ExecutionContext.IsPublishMode ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }
}
