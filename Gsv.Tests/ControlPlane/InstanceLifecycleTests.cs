using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Domain;

namespace Gsv.Tests.ControlPlane;

public sealed class InstanceLifecycleTests
{
    /// <summary>The documented lifecycle (docs/controlplane-api.md), written out independently of the code under test.</summary>
    internal static readonly HashSet<(InstanceState, InstanceState)> Legal =
    [
        (InstanceState.Pending, InstanceState.Provisioning),
        (InstanceState.Pending, InstanceState.Failed),
        (InstanceState.Pending, InstanceState.Terminated),
        (InstanceState.Provisioning, InstanceState.Active),
        (InstanceState.Provisioning, InstanceState.Failed),
        (InstanceState.Provisioning, InstanceState.Terminated),
        (InstanceState.Active, InstanceState.Suspended),
        (InstanceState.Active, InstanceState.Terminated),
        (InstanceState.Suspended, InstanceState.Active),
        (InstanceState.Suspended, InstanceState.Terminated),
        (InstanceState.Failed, InstanceState.Provisioning),
        (InstanceState.Failed, InstanceState.Terminated),
    ];

    public static TheoryData<InstanceState, InstanceState> AllPairs()
    {
        var data = new TheoryData<InstanceState, InstanceState>();
        foreach (var from in Enum.GetValues<InstanceState>())
        {
            foreach (var to in Enum.GetValues<InstanceState>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Only_the_documented_transitions_are_allowed(InstanceState from, InstanceState to) =>
        Assert.Equal(Legal.Contains((from, to)), InstanceLifecycle.CanTransition(from, to));

    [Fact]
    public void Nothing_leaves_terminated_and_no_state_moves_to_itself()
    {
        foreach (var state in Enum.GetValues<InstanceState>())
        {
            Assert.False(InstanceLifecycle.CanTransition(InstanceState.Terminated, state));
            Assert.False(InstanceLifecycle.CanTransition(state, state));
        }
    }

    [Fact]
    public void Every_state_is_reachable_from_pending()
    {
        var reached = new HashSet<InstanceState> { InstanceState.Pending };
        var frontier = new Queue<InstanceState>(reached);
        while (frontier.TryDequeue(out var state))
        {
            foreach (var next in Enum.GetValues<InstanceState>().Where(n => InstanceLifecycle.CanTransition(state, n) && reached.Add(n)))
            {
                frontier.Enqueue(next);
            }
        }

        Assert.Equal(Enum.GetValues<InstanceState>().ToHashSet(), reached);
    }
}
