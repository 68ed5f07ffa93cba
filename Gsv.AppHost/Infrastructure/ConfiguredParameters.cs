namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Parameters with a development default. Aspire's <c>AddParameter(name, "value")</c> is a constant that ignores
/// configuration; these read <c>Parameters:{name}</c> (command line, user secrets, <c>Parameters__{name}</c>) first
/// and fall back to the default only when it is not set.
/// </summary>
public static class ConfiguredParameters
{
    public static IResourceBuilder<ParameterResource> AddParameterWithDefault(
        this IDistributedApplicationBuilder builder, string name, string defaultValue, bool secret = false, bool publishValueAsDefault = false)
    {
        var configuration = builder.Configuration;
        return builder.AddParameter(
            name,
            () => configuration[$"Parameters:{name}"] is { Length: > 0 } configured ? configured : defaultValue,
            publishValueAsDefault,
            secret);
    }
}
