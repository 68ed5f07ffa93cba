using Gsv.Web.Commerce;
using Microsoft.Extensions.Time.Testing;

namespace Gsv.Tests.Web;

public sealed class LiveFollowTests
{
    [Fact]
    public async Task It_reads_until_settled_rendering_each_unsettled_round()
    {
        var reads = 0;
        var renders = 0;

        var gaveUp = await LiveFollow.UntilSettledAsync(_ => Task.FromResult(++reads == 3), () => renders++, CancellationToken.None,
            pollEvery: TimeSpan.FromMilliseconds(1));

        Assert.False(gaveUp);
        Assert.Equal(3, reads);
        Assert.Equal(2, renders);
    }

    [Fact]
    public async Task It_gives_up_after_the_follow_time_and_says_so()
    {
        var time = new FakeTimeProvider();
        var reads = 0;

        // Each read takes a minute of (fake) time: the fourth read is past three minutes.
        var gaveUp = await LiveFollow.UntilSettledAsync(_ =>
        {
            reads++;
            time.Advance(TimeSpan.FromMinutes(1));
            return Task.FromResult(false);
        }, () => { }, CancellationToken.None, followFor: TimeSpan.FromMinutes(3), pollEvery: TimeSpan.Zero, time: time);

        Assert.True(gaveUp);
        Assert.Equal(4, reads);
    }

    [Fact]
    public async Task It_stops_when_the_request_ends()
    {
        using var request = new CancellationTokenSource();
        await request.CancelAsync();

        Assert.False(await LiveFollow.UntilSettledAsync(_ => throw new InvalidOperationException("not read"), () => { }, request.Token));
    }
}
