using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gsv.Saleor;

/// <summary>
/// Typed client for Saleor's GraphQL API. Each call sends one embedded operation (<see cref="SaleorOperations"/>)
/// and maps top-level <c>errors</c> to <see cref="SaleorGraphQLException"/>; mutation payloads expose their
/// <c>errors</c> list, which the typed methods turn into <see cref="SaleorMutationException"/>.
/// </summary>
public sealed partial class SaleorClient(HttpClient http, Uri apiUrl, ISaleorTokenSource? tokens = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Uri ApiUrl { get; } = apiUrl;

    /// <summary>The same endpoint, authenticated differently (e.g. with an app token once it exists).</summary>
    public SaleorClient WithTokens(ISaleorTokenSource? tokenSource) => new(http, ApiUrl, tokenSource);

    /// <summary>Sends operation <paramref name="operation"/> and returns its <c>data</c>.</summary>
    public async Task<TData> ExecuteAsync<TData>(string operation, object? variables, CancellationToken cancellationToken = default)
    {
        var token = tokens is null || operation == "TokenCreate" ? null : await tokens.GetTokenAsync(this, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiUrl)
        {
            Content = JsonContent.Create(new GraphQLRequest(SaleorOperations.Get(operation), operation, variables), options: Json),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            response.EnsureSuccessStatusCode();
        }

        var body = await response.Content.ReadFromJsonAsync<GraphQLResponse<TData>>(Json, cancellationToken)
            ?? throw new SaleorGraphQLException(operation, [new("Empty response", null, null)]);
        if (body.Errors is { Count: > 0 } errors)
        {
            throw new SaleorGraphQLException(operation, errors.Select(e => new SaleorGraphQLError(
                e.Message, e.Extensions?.Exception?.Code, e.Path)).ToList());
        }

        return body.Data ?? throw new SaleorGraphQLException(operation, [new("Response has no data", null, null)]);
    }

    private sealed record GraphQLRequest(string Query, string OperationName, object? Variables);

    private sealed record GraphQLResponse<TData>(TData? Data, IReadOnlyList<WireError>? Errors);

    private sealed record WireError(string Message, IReadOnlyList<object>? Path, WireExtensions? Extensions);

    private sealed record WireExtensions(WireException? Exception);

    private sealed record WireException(string? Code);
}
