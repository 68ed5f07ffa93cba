using Gsv.ControlPlane.Client;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Gsv.Shared;

/// <summary>
/// A status or kind enum in a text column as its wire name (<see cref="EnumWireNames"/>: <c>open</c>, <c>pending</c>,
/// <c>capture</c>…): what the columns held before they were enums, and what raw SQL writes and compares them with.
/// </summary>
internal sealed class WireNameConverter<TEnum>()
    : ValueConverter<TEnum, string>(value => value.WireName(), name => EnumWireNames.Parse<TEnum>(name))
    where TEnum : struct, Enum;
