using System.Text.Json.Serialization;

namespace Gsv.ControlPlane.Client;

/// <summary>
/// JSON for the contract's status and kind enums: each member by its wire name (<see cref="EnumWireNames"/>), and only
/// by it. A number is refused like an unknown name, so a request cannot carry a value that names no member.
/// </summary>
public sealed class WireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
