namespace Gsv.Emulators;

/// <summary>Which third-party system this process stands in for.</summary>
public enum EmulatorKind
{
    Keycloak,
    Saleor,
    Langflow,
    Ragflow,
    Cms,
}

public static class EmulatorKinds
{
    public static EmulatorKind FromArgument(string? value) =>
        Enum.TryParse<EmulatorKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(value, out _)
            ? kind
            : throw new ArgumentException($"Unknown emulator '{value}'. Start with --emulator keycloak|saleor|langflow|ragflow|cms.");
}
