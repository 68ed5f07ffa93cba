using Gsv.ControlPlane.Client;
using Gsv.Provisioner.GitOps;
using Gsv.Provisioner.Inbox;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gsv.Tests.Provisioner;

public sealed class OrderPaidEventTests
{
    // The shape Saleor sends for the Provisioner's subscription (unwrapped event, Python json.dumps separators).
    private const string Body = """
        {"issuedAt": "2026-11-25T20:00:00.000000+00:00", "version": "3.23.28", "order": {"id": "T3JkZXI6MQ==", "number": "17", "userEmail": "Buyer@Example.com",
         "lines": [{"id": "T3JkZXJMaW5lOjE=", "quantity": 2, "variant": {"id": "UHJvZHVjdFZhcmlhbnQ6MQ==", "product": {"id": "UHJvZHVjdDox", "slug": "research-agent",
           "attributes": [{"attribute": {"slug": "gsv-kind", "inputType": "DROPDOWN"}, "values": [{"name": "agent", "slug": "agent", "plainText": null, "boolean": null}]},
                          {"attribute": {"slug": "gsv-included-credits", "inputType": "NUMERIC"}, "values": [{"name": "200", "slug": "1_4", "plainText": null, "boolean": null}]},
                          {"attribute": {"slug": "gsv-flow", "inputType": "PLAIN_TEXT"}, "values": [{"name": "research-agent", "slug": "1_2", "plainText": "research-agent", "boolean": null}]},
                          {"attribute": {"slug": "gsv-knowledge", "inputType": "BOOLEAN"}, "values": [{"name": "No", "slug": "1_7", "plainText": null, "boolean": false}]}]}}}]}}
        """;

    [Fact]
    public void Parses_the_order_its_buyer_and_line_attributes()
    {
        var order = OrderPaidEvent.Parse(Body);

        Assert.Equal("T3JkZXI6MQ==", order.OrderId);
        Assert.Equal("17", order.OrderNumber);
        Assert.Equal("Buyer@Example.com", order.Email);
        var line = Assert.Single(order.Lines);
        Assert.Equal(("T3JkZXJMaW5lOjE=", "research-agent", 2), (line.LineId, line.ProductSlug, line.Quantity));
        Assert.Equal("agent", line.Attribute("gsv-kind"));
        Assert.Equal(200, OrderPaidEvent.ParseCredits(line.Attribute("gsv-included-credits")));
        Assert.Equal("research-agent", line.Attribute("gsv-flow"));
        Assert.Equal("false", line.Attribute("gsv-knowledge"));
    }

    [Fact]
    public void Accepts_the_wrapped_form_of_top_level_subscriptions()
    {
        var wrapped = """{"data": {"orderFullyPaid": """ + Body + "}}";
        Assert.Equal("T3JkZXI6MQ==", OrderPaidEvent.Parse(wrapped).OrderId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"issuedAt": "x"}""")]
    [InlineData("""{"order": {"number": "1"}}""")]
    [InlineData("""{"order": {"id": "T3JkZXI6MQ==", "lines": [{"id": "L", "quantity": 1, "variant": {"product": {"slug": "x"}}}]}}""")]
    [InlineData("""{"order": {"id": "T3JkZXI6MQ==", "userEmail": "a@b.c", "lines": []}}""")]
    [InlineData("""{"order": {"id": "T3JkZXI6MQ==", "userEmail": "a@b.c", "lines": [{"id": "L", "quantity": 0, "variant": {"product": {"slug": "x"}}}]}}""")]
    [InlineData("""{"order": {"id": "T3JkZXI6MQ==", "userEmail": "a@b.c", "lines": [{"id": "L", "quantity": 1, "variant": null}]}}""")]
    public void Rejects_bodies_that_cannot_be_provisioned(string body) =>
        Assert.Throws<MalformedEventException>(() => OrderPaidEvent.Parse(body));

    [Theory]
    [InlineData("", false)]
    [InlineData(""" "isPaid": false, "chargeStatus": "NONE", """, false)]
    [InlineData(""" "isPaid": false, "chargeStatus": "PARTIAL", """, false)]
    [InlineData(""" "isPaid": true, "chargeStatus": "PARTIAL", """, true)]
    [InlineData(""" "isPaid": false, "chargeStatus": "FULL", """, true)]
    [InlineData(""" "chargeStatus": "OVERCHARGED", """, true)]
    [InlineData(""" "isPaid": "true", """, false)]
    public void An_order_is_paid_only_when_Saleor_says_so(string fields, bool paid) =>
        Assert.Equal(paid, OrderPaidEvent.Parse(Body.Replace("\"number\": \"17\",", "\"number\": \"17\"," + fields, StringComparison.Ordinal)).IsPaid);

    [Theory]
    [InlineData("200", 200L)]
    [InlineData("200.0", 200L)]
    [InlineData("2.5", null)]
    [InlineData("-1", null)]
    [InlineData(null, null)]
    public void Parses_credit_attributes(string? value, long? expected) => Assert.Equal(expected, OrderPaidEvent.ParseCredits(value));
}

public sealed class InstanceManifestTests
{
    private static InstanceDto Instance() => new(
        Guid.NewGuid(), Guid.NewGuid(), "research-agent", "UHJvZHVjdDox", "UHJvZHVjdFZhcmlhbnQ6MQ==", "agent", "research-agent", 2, false,
        ["web-search", "calendar"], InstanceState.Pending, false, null, "T3JkZXI6MQ==", "T3JkZXJMaW5lOjE=", null, null, null, 0,
        DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Fact]
    public void Writes_a_deterministic_GsvInstance_that_reads_back()
    {
        var instance = Instance();
        var yaml = InstanceManifest.For(instance).ToYaml();

        Assert.Equal(yaml, InstanceManifest.For(instance with { UpdatedAt = DateTimeOffset.UtcNow.AddHours(1), State = InstanceState.Active }).ToYaml());
        Assert.StartsWith("apiVersion: gsv.dev/v1\nkind: GsvInstance\n", yaml.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var read = InstanceManifest.Parse(yaml, "x.yaml");
        Assert.Equal(instance.Id, read.InstanceId);
        Assert.Equal(instance.WorkspaceId.ToString(), read.Spec.Workspace);
        Assert.Equal(("research-agent", "research-agent", false), (read.Spec.Offering, read.Spec.FlowTemplate, read.Spec.Knowledge));
        Assert.Equal(["calendar", "web-search"], read.Spec.Connectors);
        Assert.Equal($"instances/{instance.WorkspaceId}/{instance.Id}.yaml", read.RelativePath);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")]
    [InlineData("apiVersion: gsv.dev/v1\nkind: GsvInstance\nmetadata:\n  name: not-a-guid\nspec:\n  workspace: w\n  offering: o\n")]
    [InlineData(": : :")]
    public void Rejects_what_is_not_a_GsvInstance(string yaml) =>
        Assert.Throws<InvalidDataException>(() => InstanceManifest.Parse(yaml, "x.yaml"));
}

public sealed class GitRepositoryTests : IDisposable
{
    private readonly GitTestFolder _folder = new("gsv-gitops-test");

    private GitRepository Repository() => new(
        Options.Create(new GitOpsOptions { RepositoryPath = Path.Combine(_folder.Root, "repo") }),
        new HostingEnvironment { ContentRootPath = _folder.Root },
        NullLogger<GitRepository>.Instance);

    [Fact]
    public async Task Creates_the_repository_commits_each_change_once_and_reads_committed_files()
    {
        var repository = Repository();
        var first = await repository.CommitAsync(new Dictionary<string, string?> { ["instances/w/a.yaml"] = "a: 1\n" }, "Add a", CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(await repository.CommitAsync(new Dictionary<string, string?> { ["instances/w/a.yaml"] = "a: 1\n" }, "Add a again", CancellationToken.None));

        // A second wrapper on the same folder (a restarted Provisioner) sees the committed state.
        var reopened = Repository();
        var files = await reopened.ReadCommittedAsync("instances", ".yaml", CancellationToken.None);
        Assert.Equal("a: 1\n", Assert.Single(files).Value);

        Assert.NotNull(await reopened.CommitAsync(new Dictionary<string, string?> { ["instances/w/a.yaml"] = null }, "Remove a", CancellationToken.None));
        Assert.Empty(await reopened.ReadCommittedAsync("instances", ".yaml", CancellationToken.None));
    }

    [Fact]
    public async Task Pushes_every_commit_to_the_configured_remote()
    {
        var remote = Path.Combine(_folder.Root, "remote.git");
        Directory.CreateDirectory(remote);
        await GitTestFolder.Git(remote, "init", "--bare", "--initial-branch", "main");
        var repository = new GitRepository(
            Options.Create(new GitOpsOptions { RepositoryPath = Path.Combine(_folder.Root, "clone"), RemoteUrl = remote }),
            new HostingEnvironment { ContentRootPath = _folder.Root }, NullLogger<GitRepository>.Instance);

        var commit = await repository.CommitAsync(new Dictionary<string, string?> { ["instances/w/b.yaml"] = "b: 2\n" }, "Add b", CancellationToken.None);

        Assert.Equal(commit, (await GitTestFolder.Git(remote, "rev-parse", "main")).Trim());
        Assert.Equal("b: 2\n", await GitTestFolder.Git(remote, "show", "main:instances/w/b.yaml"));
    }

    public void Dispose() => _folder.Dispose();
}
