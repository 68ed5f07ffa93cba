namespace Gsv.Testing;

/// <summary>
/// An environment variable for one program of the platform (<see cref="Service"/>: a service, or in local mode an
/// emulator such as <c>langflow</c>) or, when it is null, for the four services.
/// </summary>
public sealed record ServiceVariable(string? Service, string Name, string Value)
{
    /// <summary><c>[SERVICE:]NAME=VALUE</c> (the benchmark's <c>--service-env</c>), SERVICE one of <see cref="PlatformStarter.Resources"/>.</summary>
    public static ServiceVariable Parse(string argument)
    {
        if (argument.IndexOf('=', StringComparison.Ordinal) is not (> 0 and var equals))
        {
            throw new ArgumentException($"Expected [SERVICE:]NAME=VALUE, not '{argument}'.");
        }

        var (name, value) = (argument[..equals], argument[(equals + 1)..]);
        if (name.IndexOf(':', StringComparison.Ordinal) is not (> 0 and var colon))
        {
            return new ServiceVariable(null, name, value);
        }

        var service = name[..colon];
        return PlatformStarter.Resources.Contains(service)
            ? new ServiceVariable(service, name[(colon + 1)..], value)
            : throw new ArgumentException($"'{service}' in '{argument}' is not one of {string.Join(", ", PlatformStarter.Resources)}.");
    }

    public override string ToString() => (Service is null ? "" : Service + ":") + Name + "=" + Value;
}
