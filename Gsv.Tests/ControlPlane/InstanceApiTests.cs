using System.Net;
using System.Text;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;
using static Gsv.Tests.ControlPlane.ControlPlaneHttp;

namespace Gsv.Tests.ControlPlane;

[Collection(PlatformCollection.Name)]
public sealed class InstanceApiTests(PlatformFixture platform)
{
    /// <summary>A legal path from PENDING to each state.</summary>
    private static readonly Dictionary<InstanceState, InstanceState[]> PathTo = new()
    {
        [InstanceState.Pending] = [],
        [InstanceState.Provisioning] = [InstanceState.Provisioning],
        [InstanceState.Active] = [InstanceState.Provisioning, InstanceState.Active],
        [InstanceState.Suspended] = [InstanceState.Provisioning, InstanceState.Active, InstanceState.Suspended],
        [InstanceState.Failed] = [InstanceState.Provisioning, InstanceState.Failed],
        [InstanceState.Terminated] = [InstanceState.Terminated],
    };

    [Fact]
    public async Task Every_illegal_transition_is_409_and_changes_nothing()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var owner = await service.FindOrCreateUserAsync($"lifecycle-{Guid.NewGuid():N}@test.gsv.local");
        var refused = 0;
        foreach (var (state, path) in PathTo)
        {
            var instance = await NewPaidInstanceAsync(service, owner.WorkspaceId, offering.Slug);
            foreach (var step in path)
            {
                instance = await service.TransitionInstanceAsync(instance.Id, new TransitionRequest(step, $"to {step}", Error: step == InstanceState.Failed ? "boom" : null));
            }

            // As stored (PostgreSQL keeps microseconds), to compare with what later reads return.
            instance = (await service.GetInstanceAsync(instance.Id))!;
            Assert.Equal(state, instance.State);
            var history = await service.GetTransitionsAsync(instance.Id);
            foreach (var target in Enum.GetValues<InstanceState>().Where(t => !InstanceLifecycleTests.Legal.Contains((state, t))))
            {
                var problem = await Assert.ThrowsAsync<IllegalTransitionException>(() =>
                    service.TransitionInstanceAsync(instance.Id, new TransitionRequest(target, "illegal", LangflowFlowId: "should-not-stick")));
                Assert.Equal(HttpStatusCode.Conflict, problem.Status);
                Assert.Equal("illegal_transition", problem.Code);
                refused++;

                var after = await service.GetInstanceAsync(instance.Id);
                Assert.Equivalent(instance, after, strict: true);
                Assert.Equal(history, await service.GetTransitionsAsync(instance.Id));
            }
        }

        // 36 pairs minus the 12 legal ones.
        Assert.Equal(24, refused);
    }

    [Fact]
    public async Task Transitions_are_recorded_with_reason_and_failures_count_retries()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var owner = await service.FindOrCreateUserAsync($"lifecycle-{Guid.NewGuid():N}@test.gsv.local");
        var instance = await NewPaidInstanceAsync(service, owner.WorkspaceId, offering.Slug);
        Assert.Equal((offering.FlowTemplate, offering.CreditsPerRun, InstanceState.Pending), (instance.FlowTemplate, instance.CreditsPerRun, instance.State));

        await service.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Provisioning, "provisioning started"));
        var failed = await service.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Failed, "langflow down", Error: "connection refused"));
        Assert.Equal(("connection refused", 1), (failed.LastError, failed.RetryCount));
        var noted = await service.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Failed, null, Error: "still refused"));
        Assert.Equal((InstanceState.Failed, "still refused", 1), (noted.State, noted.LastError, noted.RetryCount));
        await service.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Provisioning, "retry"));
        var active = await service.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Active, "ready", LangflowFlowId: "flow-1", KnowledgeBaseId: "kb-1"));
        Assert.Equal(("flow-1", "kb-1", InstanceState.Active), (active.LangflowFlowId, active.KnowledgeBaseId, active.State));

        var history = await service.GetTransitionsAsync(instance.Id);
        Assert.Equal(
            [(null, InstanceState.Pending), (InstanceState.Pending, InstanceState.Provisioning), (InstanceState.Provisioning, InstanceState.Failed),
             (InstanceState.Failed, InstanceState.Provisioning), (InstanceState.Provisioning, InstanceState.Active)],
            history.Select(t => ((InstanceState?)t.From, t.To)).ToArray());
        Assert.Equal("retry", history[3].Reason);

        var listed = await service.ListInstancesAsync([InstanceState.Active], owner.WorkspaceId);
        Assert.Equal(instance.Id, Assert.Single(listed).Id);
    }

    [Fact]
    public async Task Creating_an_instance_is_idempotent_on_order_and_line()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var owner = await service.FindOrCreateUserAsync($"order-{Guid.NewGuid():N}@test.gsv.local");
        var request = new CreateInstanceRequest(owner.WorkspaceId, offering.Slug, offering.ProductId, "UHJvZHVjdFZhcmlhbnQ6MQ==", $"order-{Guid.NewGuid():N}", "line-1");
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => service.CreateInstanceAsync(request)));
        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(await service.ListInstancesAsync(workspaceId: owner.WorkspaceId));

        var unknown = await Assert.ThrowsAsync<ControlPlaneProblemException>(() =>
            service.CreateInstanceAsync(request with { OfferingSlug = "no-such-offering", OrderLineId = "line-2" }));
        Assert.Equal(("not_found", HttpStatusCode.NotFound), (unknown.Code, unknown.Status));
    }

    [Fact]
    public async Task A_second_trial_of_the_same_offering_is_refused_with_a_clear_problem_and_credits_are_granted_once()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service, trialCredits: 20);
        var buyer = await NewBuyerAsync(platform);

        var trial = await ReadAsync<InstanceDto>(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Created);
        Assert.True(trial.IsTrial);
        Assert.Equal(InstanceState.Pending, trial.State);
        Assert.True(trial.TrialExpiresAt > DateTimeOffset.UtcNow);

        var second = await AssertProblemAsync(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Conflict, "trial_already_used");
        Assert.Contains(offering.Slug, second.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Concurrent attempts by the same buyer: all refused, still one trial, one grant.
        var racing = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug))));
        Assert.All(racing, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));

        var wallet = await ReadAsync<WalletDto>(await buyer.Http.GetAsync("/api/v1/wallet"), HttpStatusCode.OK);
        Assert.Equal((20L, 0L, 20L), (wallet.Balance, wallet.Held, wallet.Available));
        var ledger = await ReadAsync<LedgerPageDto>(await buyer.Http.GetAsync("/api/v1/wallet/ledger"), HttpStatusCode.OK);
        var grant = Assert.Single(ledger.Items);
        Assert.Equal((LedgerEntryKind.Grant, (GrantKind?)GrantKind.Trial, 20L), (grant.Kind, grant.GrantKind, grant.Amount));
        var instances = await ReadAsync<List<InstanceDto>>(await buyer.Http.GetAsync("/api/v1/instances"), HttpStatusCode.OK);
        Assert.Equal(trial.Id, Assert.Single(instances).Id);

        await AssertProblemAsync(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest("no-such-offering")), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Credit_batches_hold_refuse_with_insufficient_credits_and_settle_idempotently()
    {
        var service = await ServiceClientAsync(platform);
        var owner = await service.FindOrCreateUserAsync($"wallet-{Guid.NewGuid():N}@test.gsv.local");
        var key = $"order-{Guid.NewGuid():N}";
        var granted = await service.GrantAsync(owner.WorkspaceId, new GrantRequest(10, GrantKind.Purchase, key, "order"));
        Assert.True(granted.Created);
        Assert.False((await service.GrantAsync(owner.WorkspaceId, new GrantRequest(10, GrantKind.Purchase, key, "order"))).Created);

        // Credits are held and settled over HTTP only in batches (a single hold is a batch of one).
        var gateway = await GatewayClientAsync(platform);
        var runId = Guid.NewGuid();
        var hold = (await HoldAsync(gateway, new BatchHold(runId, owner.WorkspaceId, null, 8))).Holds[0];
        Assert.Equal((CreditOutcome.Held, 10L, 8L, 2L), (hold.Outcome, hold.Wallet!.Balance, hold.Wallet.Held, hold.Wallet.Available));
        var refused = (await HoldAsync(gateway, new BatchHold(Guid.NewGuid(), owner.WorkspaceId, null, 3))).Holds[0];
        Assert.Equal((CreditOutcome.InsufficientCredits, 10L, 2L), (refused.Outcome, refused.Wallet!.Balance, refused.Wallet.Available));

        var captured = (await SettleAsync(gateway, new CloseHold(runId, Capture: true, 5, null))).Settlements[0];
        Assert.Equal((CreditOutcome.Captured, 5L, 5L, 0L), (captured.Outcome, captured.Amount, captured.Wallet!.Balance, captured.Wallet.Held));
        Assert.Equal(5, (await SettleAsync(gateway, new CloseHold(runId, Capture: true, null, null))).Settlements[0].Amount); // replayed
        Assert.Equal((2L, false), (captured.Wallet.LowThreshold, captured.Wallet.Low)); // 20% of the 10-credit purchase
        Assert.Equal(CreditOutcome.Conflict, (await SettleAsync(gateway, new CloseHold(runId, Capture: false, null, null))).Settlements[0].Outcome);

        var release = Guid.NewGuid();
        await HoldAsync(gateway, new BatchHold(release, owner.WorkspaceId, null, 5));
        var released = (await SettleAsync(gateway, new CloseHold(release, Capture: false, null, null))).Settlements[0];
        Assert.Equal((CreditOutcome.Released, 0L), (released.Outcome, released.Amount));
        Assert.Equal((5L, 0L), ((await service.GetWalletAsync(owner.WorkspaceId))!.Balance, (await service.GetWalletAsync(owner.WorkspaceId))!.Held));

        var bad = await Assert.ThrowsAsync<ControlPlaneProblemException>(() =>
            service.GrantAsync(owner.WorkspaceId, new GrantRequest(-1, GrantKind.Purchase, "negative", null)));
        Assert.Equal(("validation", HttpStatusCode.BadRequest), (bad.Code, bad.Status));

        // A grant kind that is not a wire name, or a number that names no kind, is a 400 on "kind" and grants nothing.
        using var provisioner = platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-provisioner"));
        foreach (var kind in new[] { "\"bonus\"", "\"Purchase\"", "\"credit-pack\"", "7", "null" })
        {
            using var body = new StringContent($$"""{"amount":5,"kind":{{kind}},"idempotencyKey":"kind-{{Guid.NewGuid():N}}"}""", Encoding.UTF8, "application/json");
            var problem = await AssertProblemAsync(await provisioner.PostAsync($"/internal/v1/wallets/{owner.WorkspaceId}/grants", body), HttpStatusCode.BadRequest, "validation");
            Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _), $"kind {kind}: {problem}");
        }

        Assert.Equal(5L, (await service.GetWalletAsync(owner.WorkspaceId))!.Balance);

        // The batch endpoint the gateway uses: one call, one outcome per item; an empty batch is a 400.
        var batched = Guid.NewGuid();
        var batch = await gateway.ApplyCreditBatchAsync(new CreditBatchRequest([], [new BatchHold(batched, owner.WorkspaceId, null, 5), new BatchHold(Guid.NewGuid(), owner.WorkspaceId, null, 1)]));
        Assert.Equal([CreditOutcome.Held, CreditOutcome.InsufficientCredits], batch.Holds.Select(h => h.Outcome));
        var settled = await gateway.ApplyCreditBatchAsync(new CreditBatchRequest([new CloseHold(batched, Capture: true, 4, null)], []));
        Assert.Equal((CreditOutcome.Captured, 4L, 1L, 0L), (settled.Settlements[0].Outcome, settled.Settlements[0].Amount, settled.Settlements[0].Wallet!.Balance, settled.Settlements[0].Wallet!.Held));
        var empty = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => gateway.ApplyCreditBatchAsync(new CreditBatchRequest([], [])));
        Assert.Equal(("validation", HttpStatusCode.BadRequest), (empty.Code, empty.Status));

        // Each settlement names its kind: one without a kind, or of an unknown kind, is a 400 and changes nothing.
        using var raw = platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-gateway"));
        var open = Guid.NewGuid();
        await HoldAsync(gateway, new BatchHold(open, owner.WorkspaceId, null, 1));
        foreach (var item in new[] { $$"""{"runId":"{{open}}","capture":false}""", $$"""{"kind":"refund","runId":"{{open}}"}""" })
        {
            using var body = new StringContent($$"""{"settlements":[{{item}}],"holds":[]}""", Encoding.UTF8, "application/json");
            await AssertProblemAsync(await raw.PostAsync("/internal/v1/credits/batch", body), HttpStatusCode.BadRequest, "validation");
        }

        Assert.Equal((1L, 1L), ((await service.GetWalletAsync(owner.WorkspaceId))!.Balance, (await service.GetWalletAsync(owner.WorkspaceId))!.Held));
    }

    [Fact]
    public async Task A_pending_user_found_by_email_is_claimed_on_first_login_with_that_verified_email()
    {
        var service = await ServiceClientAsync(platform);
        var user = await platform.Identity.CreateUserAsync("claim");
        var pending = await service.FindOrCreateUserAsync(user.Email.ToUpperInvariant());
        Assert.True(pending.Pending);
        await service.GrantAsync(pending.WorkspaceId, new GrantRequest(200, GrantKind.Purchase, $"order-{Guid.NewGuid():N}", "bought before login"));

        using var http = platform.Identity.CreateClient("controlplane", user.AccessToken);
        var me = await ReadAsync<MeDto>(await http.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Equal((pending.UserId, user.Sub), (me.UserId, me.Sub));
        Assert.Equal(pending.WorkspaceId, Assert.Single(me.Workspaces).Id);
        Assert.Equal(200, (await ReadAsync<WalletDto>(await http.GetAsync("/api/v1/wallet"), HttpStatusCode.OK)).Balance);

        var again = await service.FindOrCreateUserAsync(user.Email);
        Assert.Equal((pending.UserId, false, pending.WorkspaceId), (again.UserId, again.Pending, again.WorkspaceId));
        Assert.Equal("owner", (await service.GetMembershipAsync(pending.WorkspaceId, user.Sub))?.Role);
        Assert.Null(await service.GetMembershipAsync(pending.WorkspaceId, Guid.NewGuid().ToString()));
    }

    private static Task<InstanceDto> NewPaidInstanceAsync(ControlPlaneClient service, Guid workspaceId, string slug) =>
        service.CreateInstanceAsync(new CreateInstanceRequest(workspaceId, slug, null, "UHJvZHVjdFZhcmlhbnQ6MQ==", $"order-{Guid.NewGuid():N}", "line-1"));
}
