using System.Text.Json;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Transport;
using GraphQL.Types;

namespace Gsv.Emulators.Saleor;

/// <summary>POST /graphql/: authenticates the bearer token and executes the request against the real schema.</summary>
public sealed class SaleorGraphQLEndpoint(
    ISchema schema, SaleorStore store, SaleorQueries queries, SaleorMutations mutations, TimeProvider time)
{
    private static readonly GraphQLSerializer Serializer = new(new SaleorErrorInfoProvider());
    private readonly DocumentExecuter _executer = new();

    // One root object for both operation types, built once: Query and Mutation field names never collide
    // (ToDictionary would throw at start-up if they did), so GraphQL.NET's own parse picks the operation.
    private readonly Dictionary<string, object?> _root = queries.Root().Concat(mutations.Root()).ToDictionary();

    public async Task HandleAsync(HttpContext http)
    {
        GraphQLRequest? request;
        try
        {
            request = await Serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (JsonException)
        {
            await WriteAsync(http, 400, new ExecutionResult { Errors = [new ExecutionError("Unable to parse query.")] });
            return;
        }

        if (request?.Query is null)
        {
            await WriteAsync(http, 400, new ExecutionResult { Errors = [new ExecutionError("Must provide a query string.")] });
            return;
        }

        await store.Gate.WaitAsync(http.RequestAborted);
        ExecutionResult result;
        try
        {
            var caller = Authenticate(http.Request);
            if (caller is null)
            {
                // Saleor answers an invalid or expired JWT with a top-level error (an unknown app token is anonymous, see below).
                result = new ExecutionResult { Errors = [new ExecutionError("Invalid token.") { Code = "InvalidTokenError" }] };
            }
            else
            {
                result = await _executer.ExecuteAsync(options =>
                {
                    options.Schema = schema;
                    options.Query = request.Query;
                    options.OperationName = request.OperationName;
                    options.Variables = request.Variables;
                    options.UserContext = new Dictionary<string, object?> { ["caller"] = caller };
                    options.Root = _root;
                    options.ThrowOnUnhandledException = false;
                    options.CancellationToken = http.RequestAborted;
                });
            }
        }
        finally
        {
            store.Gate.Release();
        }

        // Saleor answers query validation errors with 400 and everything else (including permission errors) with 200.
        var status = result.Data is null && result.Errors?.Any(e => e is GraphQL.Validation.ValidationError or DocumentError) == true ? 400 : 200;
        await WriteAsync(http, status, result);
    }

    /// <summary>Bearer (or JWT) prefix, or the Authorization-Bearer header; exactly 30 characters means an app token.</summary>
    private SaleorCaller? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        string? token = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.StartsWith("JWT ", StringComparison.OrdinalIgnoreCase))
        {
            token = header[(header.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim();
        }
        else if (request.Headers.TryGetValue("Authorization-Bearer", out var alternative))
        {
            token = alternative.ToString().Trim();
        }

        if (string.IsNullOrEmpty(token))
        {
            return new SaleorCaller(null, null);
        }

        if (token.Length == 30)
        {
            // Saleor 3.23 (graphql/app/dataloaders/utils.py::promise_app): no active app holds the token → no app, the
            // request runs as anonymous and fails only where a permission is needed (PermissionDenied).
            var app = store.Apps.FirstOrDefault(a => a.IsActive && a.Tokens.Any(t => t.Token == token));
            return new SaleorCaller(null, app);
        }

        if (store.AccessTokens.TryGetValue(token, out var session) && session.Expires > time.GetUtcNow())
        {
            return new SaleorCaller(store.Users.First(u => u.Pk == session.UserPk), null);
        }

        return null;
    }

    private static async Task WriteAsync(HttpContext http, int status, ExecutionResult result)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await Serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>Saleor's error shape: <c>extensions.exception.code</c> carries the exception class name.</summary>
    private sealed class SaleorErrorInfoProvider : ErrorInfoProvider
    {
        public override ErrorInfo GetInfo(ExecutionError executionError)
        {
            var info = base.GetInfo(executionError);
            var code = executionError.Code ?? "GraphQLError";
            info.Extensions = new Dictionary<string, object?> { ["exception"] = new Dictionary<string, object?> { ["code"] = code } };
            return info;
        }
    }
}
