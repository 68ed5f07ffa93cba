using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Gsv.Web.Account;

/// <summary>
/// The Gateway's run API on behalf of the signed-in user (their own access token, server-side): one streamed run with
/// its events as they come. An <c>Idempotency-Key</c> per submitted message makes a resubmitted form a replay, not a
/// second charge.
/// </summary>
public sealed class GatewayRunClient(HttpClient http)
{
    /// <summary>The Aspire resource name (service discovery) of the Gateway.</summary>
    public const string BaseAddress = "https+http://gateway";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async IAsyncEnumerable<RunStreamEvent> StreamAsync(
        string userToken, Guid instanceId, string input, string? sessionId, string idempotencyKey,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/instances/{instanceId}/runs?stream=true")
        {
            Content = JsonContent.Create(new { input, sessionId }, options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("Idempotency-Key", idempotencyKey);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            yield return new RunFailed(await ReadProblemAsync(response, cancellationToken));
            yield break;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var sse in ServerSentEventReader.ReadAsync(body, cancellationToken))
        {
            switch (sse.Name)
            {
                case "run":
                    yield return new RunStarted(JsonSerializer.Deserialize<StartedData>(sse.Data, Json)!.RunId);
                    break;
                case "token":
                    yield return new RunToken(JsonSerializer.Deserialize<TokenData>(sse.Data, Json)!.Chunk);
                    break;
                case "done":
                    var done = JsonSerializer.Deserialize<DoneData>(sse.Data, Json)!;
                    yield return new RunFinished(done.RunId, done.Output, done.SessionId, done.Credits);
                    yield break;
                case "error":
                    yield return new RunFailed(JsonSerializer.Deserialize<RunProblem>(sse.Data, Json)!);
                    yield break;
            }
        }

        yield return new RunFailed(new RunProblem(502, "runtime_error", "Runtime error", "The run's stream ended without a result.", null, null));
    }

    private static async Task<RunProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemData>(Json, cancellationToken);
            // A validation problem says what is wrong in its errors, field by field.
            var detail = problem?.Errors is { Count: > 0 } errors ? string.Join(" ", errors.Values.SelectMany(e => e)) : problem?.Detail;
            return new RunProblem(status, problem?.Code, problem?.Title, detail, problem?.RunId, problem?.CorrelationId);
        }
        catch (JsonException)
        {
            return new RunProblem(status, null, response.ReasonPhrase, null, null, null);
        }
    }

    private sealed record StartedData(Guid RunId);

    private sealed record TokenData(string Chunk);

    private sealed record DoneData(Guid RunId, string? Output, string? SessionId, RunCharge Credits);

    private sealed record ProblemData(
        string? Code, string? Title, string? Detail, Guid? RunId, string? CorrelationId, Dictionary<string, string[]>? Errors);
}
