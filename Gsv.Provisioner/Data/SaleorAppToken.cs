namespace Gsv.Provisioner.Data;

/// <summary>
/// The token the Provisioner holds for its Saleor app: kept here because Saleor shows a token only when it is created,
/// so a restart reuses it instead of minting another; replaced when older than the rotation age.
/// </summary>
public sealed class SaleorAppToken
{
    /// <summary>Saleor's global id of the app.</summary>
    public required string AppId { get; set; }

    /// <summary>Saleor's global id of the token (to check it still exists and to delete it when rotated).</summary>
    public required string TokenId { get; set; }

    public required string Token { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
