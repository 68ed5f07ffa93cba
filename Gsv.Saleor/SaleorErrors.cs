using System.Text.Json.Serialization;

namespace Gsv.Saleor;

/// <summary>A mutation error as Saleor returns it in <c>data.&lt;mutation&gt;.errors[]</c>.</summary>
public sealed record SaleorError(string? Field, string Code, string? Message);

/// <summary>A top-level GraphQL error (<c>errors[]</c>); <see cref="Code"/> is <c>extensions.exception.code</c> when present.</summary>
public sealed record SaleorGraphQLError(string Message, string? Code, IReadOnlyList<object>? Path);

public abstract class SaleorException(string message) : Exception(message);

/// <summary>The request failed as a whole: validation, authentication or permission (top-level <c>errors</c>).</summary>
public sealed class SaleorGraphQLException(string operation, IReadOnlyList<SaleorGraphQLError> errors)
    : SaleorException($"Saleor {operation} failed: {string.Join("; ", errors.Select(e => e.Code is null ? e.Message : $"{e.Code}: {e.Message}"))}")
{
    public string Operation { get; } = operation;
    public IReadOnlyList<SaleorGraphQLError> Errors { get; } = errors;
    public bool IsPermissionDenied => Errors.Any(e => e.Code == "PermissionDenied");
}

/// <summary>A mutation answered with <c>errors { field code message }</c>.</summary>
public sealed class SaleorMutationException(string mutation, IReadOnlyList<SaleorError> errors)
    : SaleorException($"Saleor {mutation} failed: {string.Join("; ", errors.Select(e => $"{e.Code} {e.Field}: {e.Message}"))}")
{
    public string Mutation { get; } = mutation;
    public IReadOnlyList<SaleorError> Errors { get; } = errors;
    public bool HasCode(string code) => Errors.Any(e => e.Code == code);
}

/// <summary>Base of every mutation payload: the mutation's own error list.</summary>
public abstract record SaleorMutationPayload
{
    [JsonPropertyName("errors")]
    public IReadOnlyList<SaleorError> Errors { get; init; } = [];

    /// <summary>Throws <see cref="SaleorMutationException"/> when the mutation reported errors.</summary>
    public void EnsureSuccess(string mutation)
    {
        if (Errors.Count > 0)
        {
            throw new SaleorMutationException(mutation, Errors);
        }
    }
}
