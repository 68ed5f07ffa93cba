using System.Net;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Connectors;
using Gsv.Gateway;
using Gsv.Gateway.Connectors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gsv.Tests.Connectors;

/// <summary>The rules under the connectors: where calls may go, run tokens, the catalog and the seed's use of it.</summary>
public sealed class ConnectorUnitTests
{
    private static readonly ConnectorCatalog Catalog = new([new GitHubConnector(), new SlackConnector(), new HttpApiConnector()]);

    [Theory]
    [InlineData("customers?limit=5", "https://api.example.com/v1/customers?limit=5")]
    [InlineData("/customers/7", "https://api.example.com/v1/customers/7")]
    [InlineData("../admin", null)]
    [InlineData("customers/%2E%2E/admin", null)]
    [InlineData("mailto:someone@example.com", null)]
    [InlineData("https://evil.example/", null)]
    [InlineData("//evil.example/x", null)]
    [InlineData("file:///etc/passwd", null)]
    public void A_path_resolves_only_under_the_base_url(string path, string? expected)
    {
        var baseUrl = Upstream.BaseUrl("https://api.example.com/v1")!;
        Assert.Equal("https://api.example.com/v1/", baseUrl.ToString());
        Assert.Equal(expected, Upstream.Under(baseUrl, path)?.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://api.example.com/v1/", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("ftp://example.com", false)]
    [InlineData("https://user:pass@example.com/", false)]
    [InlineData("https://example.com/?q=1", false)]
    [InlineData("example.com", false)]
    public void A_base_url_is_an_absolute_http_url_without_credentials_or_query(string value, bool accepted) =>
        Assert.Equal(accepted, Upstream.BaseUrl(value) is not null);

    [Theory]
    [InlineData("140.82.112.6", true)]
    [InlineData("2606:50c0:8000::154", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.5", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Only_public_addresses_are_upstreams(string address, bool isPublic) =>
        Assert.Equal(isPublic, UpstreamNetworkPolicy.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void A_run_token_grants_its_instance_until_it_expires_and_any_change_voids_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T10:00:00Z"));
        var tokens = Tokens(time, "a-key-of-at-least-thirty-two-characters!");
        var (instance, workspace, run) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var token = tokens.Mint(instance, workspace, run);

        Assert.StartsWith(RunTokens.Prefix, token);
        Assert.Equal(new RunTokenGrant(instance, workspace, run, time.GetUtcNow() + tokens.Lifetime), tokens.Validate(token));
        Assert.Null(Tokens(time, "another-key-of-at-least-thirty-two-chars").Validate(token));
        var body = token[RunTokens.Prefix.Length..];
        for (var i = 0; i < body.Length; i += 7)
        {
            var flipped = body[..i] + (body[i] == 'A' ? 'B' : 'A') + body[(i + 1)..];
            Assert.Null(tokens.Validate(RunTokens.Prefix + flipped));
        }

        Assert.Null(tokens.Validate(token[..^1]));
        Assert.Null(tokens.Validate("gsv_" + body));
        time.Advance(tokens.Lifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(tokens.Validate(token));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(tokens.Validate(token));
    }

    [Fact]
    public void The_catalog_names_tools_by_connector_and_gives_each_a_json_schema_with_its_required_arguments()
    {
        Assert.Equal(["github", "http", "slack"], Catalog.All.Select(c => c.Key));
        Assert.Equal(["github_list_issues", "github_create_issue", "github_comment_issue", "http_request", "slack_post_message"],
            Catalog.All.SelectMany(c => c.Tools.Select(t => ConnectorCatalog.ToolName(c, t))));
        Assert.Equal(("github", "create_issue"), Catalog.FindTool("github_create_issue") is var (c, t) ? (c.Key, t.ShortName) : default);
        Assert.Null(Catalog.FindTool("github_delete_repo"));
        Assert.Null(Catalog.FindTool("slack_list_issues"));
        Assert.Equal(["issue_number", "body"], Catalog.FindTool("github_comment_issue")!.Value.Tool.RequiredArguments);
        Assert.All(Catalog.All, connector => Assert.Contains(connector.Fields, f => f.Secret && f.Required));
    }

    [Fact]
    public void Every_connector_the_seed_offerings_need_is_in_the_catalog()
    {
        var seed = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "seed-catalog.json")))!;
        var offered = seed["attributes"]!.AsArray().Single(a => (string?)a!["slug"] == "gsv-connectors")!["values"]!.AsArray().Select(v => (string)v!);
        Assert.Equal(Catalog.Keys.Order(), offered.Order());
        var used = seed["products"]!.AsArray().SelectMany(p => p!["connectors"]?.AsArray().Select(v => (string)v!) ?? []).Distinct();
        Assert.All(used, key => Assert.Contains(key, Catalog.Keys));
        Assert.NotEmpty(used);
    }

    [Fact]
    public void Secrets_show_a_hint_only_when_long_enough_to_keep_most_of_them_hidden()
    {
        Assert.Equal("cdef", ConnectorSecrets.Hint("ghp_0123456789abcdef"));
        Assert.Null(ConnectorSecrets.Hint("short-token"));
    }

    private static RunTokens Tokens(TimeProvider time, string key) =>
        new(Options.Create(new GatewayOptions { RunTokenKey = key }), time, NullLogger<RunTokens>.Instance);
}
