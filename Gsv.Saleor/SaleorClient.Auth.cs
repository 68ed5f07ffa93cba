namespace Gsv.Saleor;

public sealed record TokenCreateResult(string? Token, string? RefreshToken, SaleorUser? User) ;

public sealed record SaleorUser(string Id, string Email, bool IsStaff);

public sealed partial class SaleorClient
{
    /// <summary><c>tokenCreate</c>: a user JWT (staff or customer); errors such as INVALID_CREDENTIALS throw.</summary>
    public async Task<TokenCreateResult> TokenCreateAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var data = await ExecuteAsync<TokenCreateData>("TokenCreate", new { email, password }, cancellationToken);
        data.TokenCreate.EnsureSuccess("tokenCreate");
        return new(data.TokenCreate.Token, data.TokenCreate.RefreshToken, data.TokenCreate.User);
    }

    private sealed record TokenCreateData(TokenCreatePayload TokenCreate);

    private sealed record TokenCreatePayload(string? Token, string? RefreshToken, SaleorUser? User) : SaleorMutationPayload;
}
