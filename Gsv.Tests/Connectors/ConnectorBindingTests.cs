using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Gsv.ControlPlane.Client;
using Gsv.ServiceDefaults.Problems;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gsv.Tests.Connectors;

/// <summary>
/// Bindings through the AppHost: credentials go in and never come out (API, database, logs), a test calls the real
/// upstream (a stand-in), bad input is refused at the field and changes nothing, and another workspace sees nothing.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConnectorBindingTests(PlatformFixture platform) : IAsyncLifetime
{
    private UpstreamStandIns _upstream = null!;

    public async Task InitializeAsync() => _upstream = await UpstreamStandIns.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task A_bound_token_is_never_shown_stored_or_logged_in_clear_and_revoking_deletes_it()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "secret");
        var before = Assert.Single((await buyer.ControlPlane.ListConnectorsAsync(buyer.User.AccessToken, buyer.Instance.Id))!);
        Assert.Equal(("github", true, false), (before.Key, before.Required, before.Bound));

        var token = _upstream.NewToken("ghp");
        var bound = await buyer.BindGitHubAsync(_upstream, token);
        Assert.True(bound.Bound);
        var secret = Assert.Single(bound.Fields, f => f.Name == "token");
        Assert.Equal((true, true, token[^4..], (string?)null), (secret.Secret, secret.Set, secret.Last4, secret.Value));
        Assert.Equal(ConnectorScenario.Repository, bound.Fields.Single(f => f.Name == "repository").Value);
        Assert.Equal(["github_comment_issue", "github_create_issue", "github_list_issues"], bound.AllowedTools.Order());

        // Nowhere in the API's answers…
        using var http = buyer.ControlPlaneHttp();
        foreach (var path in new[] { "connectors", "connectors/github", "tool-calls" })
        {
            var text = await http.GetStringAsync($"/api/v1/instances/{buyer.Instance.Id}/{path}");
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        }

        // …nor in the database: the row holds a Data Protection payload, and the key ring is there too.
        var row = await BindingRowAsync(buyer.Instance.Id);
        Assert.NotNull(row);
        Assert.DoesNotContain(token, row, StringComparison.Ordinal);
        Assert.DoesNotContain(token[6..], row, StringComparison.Ordinal);
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM data_protection_keys") >= 1);

        // The stored token works: a test of the saved binding reaches GitHub with it.
        var tested = await buyer.ControlPlane.TestConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github", null);
        Assert.True(tested.Ok, tested.Detail);
        Assert.Equal($"Bearer {token}", _upstream.Requests.Last(r => r.Path == $"/github/repos/{ConnectorScenario.Repository}").Authorization);

        // Rebinding with the secret left empty keeps it; a new repository is taken.
        var rebound = await buyer.ControlPlane.BindConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github", new BindConnectorRequest(
            new Dictionary<string, string?> { ["token"] = "", ["repository"] = "octo-org/docs" }, ["github_list_issues"]));
        Assert.Equal(token[^4..], rebound.Fields.Single(f => f.Name == "token").Last4);
        Assert.Equal(["github_list_issues"], rebound.AllowedTools);

        await buyer.ControlPlane.RevokeConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github");
        Assert.Null(await BindingRowAsync(buyer.Instance.Id));
        Assert.False(Assert.Single((await buyer.ControlPlane.ListConnectorsAsync(buyer.User.AccessToken, buyer.Instance.Id))!).Bound);

        // …nor in any service's log lines (which do record the binding and the revoke).
        var logged = new List<string>();
        var model = platform.App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in model.Resources.Where(r => r.Name is "controlplane" or "gateway"))
        {
            // By resource (not name): DCP keeps each replica's console log under its own instance name.
            await foreach (var lines in platform.App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource))
            {
                logged.AddRange(lines.Select(l => l.Content));
            }
        }

        Assert.Contains(logged, line => line.Contains($"Connector github revoked from instance {buyer.Instance.Id}", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Test_connection_says_what_the_upstream_answered()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "test-conn");
        var refused = await buyer.ControlPlane.TestConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github",
            new Dictionary<string, string?> { ["token"] = "ghp_not_a_real_token_000", ["repository"] = ConnectorScenario.Repository, ["apiUrl"] = _upstream.GitHubApiUrl });
        Assert.False(refused.Ok);
        Assert.Equal(401, refused.UpstreamStatus);
        Assert.Contains("GitHub refused the token", refused.Detail);

        var token = _upstream.NewToken("ghp");
        var missing = await buyer.ControlPlane.TestConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github",
            new Dictionary<string, string?> { ["token"] = token, ["repository"] = "someone-else/private", ["apiUrl"] = _upstream.GitHubApiUrl });
        Assert.False(missing.Ok);
        Assert.Contains("someone-else/private does not exist or this token cannot see it", missing.Detail);

        var ok = await buyer.ControlPlane.TestConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github",
            new Dictionary<string, string?> { ["token"] = token, ["repository"] = ConnectorScenario.Repository, ["apiUrl"] = _upstream.GitHubApiUrl });
        Assert.True(ok.Ok, ok.Detail);
        Assert.Equal($"Connected to {ConnectorScenario.Repository}.", ok.Detail);

        // A test saves nothing.
        Assert.False(Assert.Single((await buyer.ControlPlane.ListConnectorsAsync(buyer.User.AccessToken, buyer.Instance.Id))!).Bound);
    }

    [Fact]
    public async Task Bad_credentials_are_refused_at_the_field_and_nothing_is_stored()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "invalid");
        using var http = buyer.ControlPlaneHttp();
        var path = $"/api/v1/instances/{buyer.Instance.Id}/connectors";

        async Task<JsonObject> RefusedAsync(string connector, object body, HttpStatusCode status)
        {
            using var response = await http.PutAsJsonAsync($"{path}/{connector}", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        }

        var invalid = await RefusedAsync("github", new { credentials = new { repository = "no-slash", apiUrl = "ftp://example.com" } }, HttpStatusCode.BadRequest);
        var errors = invalid["errors"]!.AsObject();
        Assert.Equal("Enter the repository as owner/name.", (string?)errors["repository"]![0]);
        Assert.Contains("http:// or https://", (string?)errors["apiUrl"]![0]);
        Assert.Equal("Personal access token is required.", (string?)errors["token"]![0]);

        var unknownField = await RefusedAsync("github", new { credentials = new { token = "ghp_x", repository = ConnectorScenario.Repository, password = "x" } }, HttpStatusCode.BadRequest);
        Assert.Contains("has no field 'password'", (string?)unknownField["errors"]!["password"]![0]);
        var unknownTool = await RefusedAsync("github", new { credentials = new { token = "ghp_x", repository = ConnectorScenario.Repository }, allowedTools = new[] { "github_delete_repo" } }, HttpStatusCode.BadRequest);
        Assert.Contains("github_delete_repo is not a tool of GitHub", (string?)unknownTool["errors"]!["allowedTools"]![0]);
        var notUsed = await RefusedAsync("slack", new { credentials = new { token = "xoxb-1", channel = "#general" } }, HttpStatusCode.BadRequest);
        Assert.Equal(GsvProblems.ConnectorNotUsed, (string?)notUsed["code"]);
        Assert.Equal(GsvProblems.NotFound, (string?)(await RefusedAsync("jira", new { credentials = new { } }, HttpStatusCode.NotFound))["code"]);

        Assert.Null(await BindingRowAsync(buyer.Instance.Id));
    }

    [Fact]
    public async Task Another_workspaces_instance_is_not_found_on_every_connector_endpoint_and_nothing_changes()
    {
        var owner = await ConnectorScenario.StartTrialAsync(platform, "owner");
        var other = await ConnectorScenario.StartTrialAsync(platform, "intruder");
        await owner.BindGitHubAsync(_upstream, _upstream.NewToken("ghp"));
        using var http = other.ControlPlaneHttp();
        var foreign = $"/api/v1/instances/{owner.Instance.Id}";
        var body = new { credentials = new { token = "ghp_intruder_000000", repository = "octo-org/website" } };
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => http.GetAsync($"{foreign}/connectors"),
            () => http.GetAsync($"{foreign}/connectors/github"),
            () => http.PutAsJsonAsync($"{foreign}/connectors/github", body),
            () => http.PostAsJsonAsync($"{foreign}/connectors/github/test", new { }),
            () => http.DeleteAsync($"{foreign}/connectors/github"),
            () => http.GetAsync($"{foreign}/tool-calls"),
        })
        {
            using var response = await request();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.True(Assert.Single((await owner.ControlPlane.ListConnectorsAsync(owner.User.AccessToken, owner.Instance.Id))!).Bound);
    }

    private async Task<string?> BindingRowAsync(Guid instanceId)
    {
        await using var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("controlplane-db"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT row_to_json(b)::text FROM connector_bindings b WHERE \"InstanceId\" = @id", connection);
        command.Parameters.AddWithValue("id", instanceId);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("controlplane-db"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
