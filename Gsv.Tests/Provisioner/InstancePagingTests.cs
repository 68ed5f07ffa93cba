using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// The Control Plane's internal instance list is paged with a cursor, and the reconciler reads every page: the platform
/// under test runs it with pages of 2 (see <see cref="PlatformFixture"/>), so instances beyond the first page are reached.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class InstancePagingTests(PlatformFixture platform)
{
    private readonly ProvisionerHarness _harness = new(platform);

    [Fact]
    public async Task Instance_list_is_paged_with_a_cursor_and_every_instance_appears_once()
    {
        var workspaceId = await _harness.WorkspaceOfAsync(ProvisionerHarness.NewEmail("paging"));
        var controlPlane = await _harness.ControlPlaneAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await controlPlane.CreateInstanceAsync(StuckInstance(workspaceId))).Id);
        }

        var pages = new List<InstancePage>();
        string? after = null;
        do
        {
            var page = await controlPlane.ListInstancesPageAsync(workspaceId: workspaceId, after: after, limit: 2);
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        Assert.Null(pages[^1].Next);
        Assert.Equal(created, pages.SelectMany(p => p.Items).Select(i => i.Id));
        Assert.Equal(created, (await controlPlane.ListInstancesAsync(workspaceId: workspaceId)).Select(i => i.Id));
    }

    [Fact]
    public async Task Reconciler_reaches_an_instance_behind_pages_of_instances_it_cannot_move()
    {
        // Two pages' worth of PENDING instances that no manifest declares (the reconciler leaves those alone) come first.
        var stuckWorkspace = await _harness.WorkspaceOfAsync(ProvisionerHarness.NewEmail("stuck"));
        var controlPlane = await _harness.ControlPlaneAsync();
        for (var i = 0; i < 4; i++)
        {
            await controlPlane.CreateInstanceAsync(StuckInstance(stuckWorkspace));
        }

        var email = ProvisionerHarness.NewEmail("behind-pages");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("research-agent", 1));

        var active = await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        Assert.NotNull(active.LangflowFlowId);
    }

    [Fact]
    public async Task Bad_paging_parameters_are_refused()
    {
        var controlPlane = await _harness.ControlPlaneAsync();
        foreach (var (after, limit) in new (string?, int?)[] { ("not-a-cursor", null), (null, 0), (null, 1001) })
        {
            var problem = await Assert.ThrowsAnyAsync<ControlPlaneProblemException>(() => controlPlane.ListInstancesPageAsync(after: after, limit: limit));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, problem.Status);
        }
    }

    private static CreateInstanceRequest StuckInstance(Guid workspaceId) =>
        new(workspaceId, "research-agent", null, null, $"paging-{Guid.NewGuid():N}", "line-1");
}
