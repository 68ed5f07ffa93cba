using System.Net.Http.Json;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Provisioner;
using Gsv.Testing;

namespace Gsv.Tests.Foundation;

/// <summary>
/// <c>./gsv up</c> twice on the same data folder: stopping leaves no PostgreSQL or Redis process behind, and what a
/// buyer bought before the restart is theirs after it. PostgreSQL keeps its data in the folder, so everything its rows
/// refer to must survive too — the identity provider's user ids (the tokens' <c>sub</c>), its keys, and the flows of Langflow.
/// </summary>
public sealed class PlatformRestartTests
{
    [Fact]
    public async Task A_buyer_keeps_instances_credits_and_workspace_across_a_restart()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"gsv-restart-{Guid.NewGuid():N}");
        // Durable like ./gsv up (no throw-away settings).
        string[] arguments = ["--Gsv:Ephemeral=false"];
        PlatformFixture? platform = null;
        try
        {
            platform = PlatformFixture.On(dataPath, arguments);
            await platform.InitializeAsync();
            var buyer = await platform.Identity.CreateUserAsync("restart");
            var demoBuyerSub = await SubOfAsync(platform, "buyer@gsv.local", "buyer-dev-password");
            var before = await MeAsync(platform, buyer.AccessToken);
            var workspaceId = Assert.Single(before.Workspaces).Id;

            var harness = new ProvisionerHarness(platform);
            await CommercePlatform.WaitForBootstrapAsync(platform);
            var order = await harness.BuyAsync(buyer.Email, ("research-agent", 1));
            var bought = await harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
            Assert.Equal(200, (await WalletAsync(platform, buyer.AccessToken)).Balance);

            var running = ServerProcesses.Using(dataPath);
            Assert.Contains(running, p => p.Command.Contains("postgres", StringComparison.Ordinal));
            Assert.Contains(running, p => p.Command.Contains("redis-server", StringComparison.Ordinal));
            await platform.StopKeepingDataAsync();
            // Stopping the app stops its servers (and the next PostgreSQL on the folder needs the last one gone).
            Assert.Empty(await ServerProcesses.WaitUntilNoneAsync(dataPath));
            platform = PlatformFixture.On(dataPath, arguments);
            await platform.InitializeAsync();

            // The same people: same passwords, same ids, same Control Plane user and workspace.
            var token = await platform.Identity.GetUserTokenAsync(buyer.Email, buyer.Password);
            var after = await MeAsync(platform, token);
            Assert.Equal(buyer.Sub, after.Sub);
            Assert.Equal(before.UserId, after.UserId);
            Assert.Equal(workspaceId, Assert.Single(after.Workspaces).Id);
            Assert.Equal(demoBuyerSub, await SubOfAsync(platform, "buyer@gsv.local", "buyer-dev-password"));

            // What was bought is there: the instance (with its flow still in Langflow) and the credits.
            using var api = platform.Identity.CreateClient("controlplane", token);
            var instances = await api.GetFromJsonAsync<List<InstanceDto>>("/api/v1/instances");
            var instance = Assert.Single(instances!, i => i.Id == bought.Id);
            Assert.Equal(InstanceState.Active, instance.State);
            harness = new ProvisionerHarness(platform);
            Assert.NotNull(await (await harness.LangflowAsync()).FindFlowAsync(Guid.Parse(bought.LangflowFlowId!)));
            Assert.Equal(200, (await WalletAsync(platform, token)).Balance);

            // A purchase after the restart lands in the same workspace, the one the buyer sees.
            await CommercePlatform.WaitForBootstrapAsync(platform);
            var second = await harness.BuyAsync(buyer.Email, ("research-agent", 1));
            var secondInstance = await harness.WaitForInstanceAsync(workspaceId, second.Id, i => i.State == InstanceState.Active);
            instances = await api.GetFromJsonAsync<List<InstanceDto>>("/api/v1/instances");
            Assert.Contains(instances!, i => i.Id == secondInstance.Id);
            Assert.Equal(400, (await WalletAsync(platform, token)).Balance);
        }
        finally
        {
            if (platform is not null)
            {
                await platform.DisposeAsync();
            }

            PlatformFixture.DeleteDataFolder(dataPath);
        }
    }

    private static async Task<MeDto> MeAsync(PlatformFixture platform, string token)
    {
        using var api = platform.Identity.CreateClient("controlplane", token);
        return (await api.GetFromJsonAsync<MeDto>("/api/v1/me"))!;
    }

    private static async Task<WalletDto> WalletAsync(PlatformFixture platform, string token)
    {
        using var api = platform.Identity.CreateClient("controlplane", token);
        return (await api.GetFromJsonAsync<WalletDto>("/api/v1/wallet"))!;
    }

    private static async Task<string> SubOfAsync(PlatformFixture platform, string username, string password)
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await platform.Identity.GetUserTokenAsync(username, password));
        return token.Subject;
    }
}
