namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// A binding's fields for one call: settings and decrypted secrets, by field name, with each field's default applied.
/// Never logged, never serialized: <see cref="ToString"/> names only the fields.
/// </summary>
public sealed class ConnectorCredentials(IConnector connector, IReadOnlyDictionary<string, string> values)
{
    /// <summary>The value of a field, or its default, or empty.</summary>
    public string this[string field] =>
        values.TryGetValue(field, out var value) && value.Length > 0 ? value
        : connector.Fields.FirstOrDefault(f => f.Name == field)?.Default ?? "";

    public override string ToString() => $"{connector.Key} credentials ({string.Join(", ", values.Keys)})";
}
