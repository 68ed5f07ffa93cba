using System.Net;
using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.Web.Account;
using Microsoft.AspNetCore.DataProtection;

namespace Gsv.Tests.Web;

/// <summary>The Connect tab's logic: how it words connectors, tools and tests, reads field errors, and seals typed secrets.</summary>
public sealed class ConnectUnitTests
{
    [Theory]
    [InlineData("github", "github_list_issues", "List issues")]
    [InlineData("slack", "slack_post_message", "Post message")]
    [InlineData("http", "http_request", "Request")]
    [InlineData("github", "other", "Other")]
    public void A_tool_is_named_for_people(string connector, string tool, string label) =>
        Assert.Equal(label, ConnectorText.ToolLabel(connector, tool));

    [Fact]
    public void A_secret_is_shown_only_as_set_with_its_last_4_characters()
    {
        Assert.Equal("set ••••9f3a", ConnectorText.Shown(new ConnectorFieldState("token", "Token", true, true, "9f3a", null)));
        Assert.Equal("set", ConnectorText.Shown(new ConnectorFieldState("token", "Token", true, true, null, null)));
        Assert.Equal("not set", ConnectorText.Shown(new ConnectorFieldState("token", "Token", true, false, null, null)));
        Assert.Equal("octo-org/website", ConnectorText.Shown(new ConnectorFieldState("repository", "Repository", false, true, null, "octo-org/website")));
    }

    [Fact]
    public void A_test_says_what_the_upstream_answered_and_how_long_it_took()
    {
        Assert.Equal("Test passed: Connected to octo-org/website. (GitHub answered in 85 ms)",
            ConnectorText.TestOutcome("GitHub", new ConnectorTestResult(true, "Connected to octo-org/website.", 200, 85)));
        Assert.Equal("Test failed: The upstream did not answer within 20 s. (after 20.0 s)",
            ConnectorText.TestOutcome("GitHub", new ConnectorTestResult(false, "The upstream did not answer within 20 s.", null, 20_000)));
    }

    [Fact]
    public void The_errors_of_a_validation_problem_are_read_by_field()
    {
        var body = JsonSerializer.SerializeToElement(new
        {
            code = "validation_failed",
            errors = new Dictionary<string, object>
            {
                ["repository"] = new[] { "Enter the repository as owner/name." },
                ["token"] = "Personal access token is required.",
                ["odd"] = 3,
            },
        });
        var errors = ConnectorText.FieldErrors(new ControlPlaneProblemException(HttpStatusCode.BadRequest, "validation_failed", "Invalid", "…", body));
        Assert.Equal(new Dictionary<string, string>
        {
            ["repository"] = "Enter the repository as owner/name.",
            ["token"] = "Personal access token is required.",
        }, errors);
        Assert.Empty(ConnectorText.FieldErrors(new ControlPlaneProblemException(HttpStatusCode.BadRequest, "x", null, null, null)));
    }

    [Fact]
    public void A_sealed_draft_opens_only_for_the_same_buyer_instance_and_connector()
    {
        var drafts = new ConnectorDrafts(new EphemeralDataProtectionProvider());
        var instance = Guid.NewGuid();
        var sealedDraft = drafts.Seal("buyer-1", instance, "github", new Dictionary<string, string> { ["token"] = "ghp_secret_value_1234" });
        Assert.NotNull(sealedDraft);
        Assert.DoesNotContain("ghp_secret_value_1234", sealedDraft, StringComparison.Ordinal);
        Assert.Equal("ghp_secret_value_1234", drafts.Unseal("buyer-1", instance, "github", sealedDraft)["token"]);
        Assert.Empty(drafts.Unseal("buyer-2", instance, "github", sealedDraft));
        Assert.Empty(drafts.Unseal("buyer-1", Guid.NewGuid(), "github", sealedDraft));
        Assert.Empty(drafts.Unseal("buyer-1", instance, "slack", sealedDraft));
        Assert.Empty(drafts.Unseal("buyer-1", instance, "github", "not-a-draft"));
        Assert.Null(drafts.Seal("buyer-1", instance, "github", new Dictionary<string, string>()));
    }
}
