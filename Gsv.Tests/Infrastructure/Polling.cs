namespace Gsv.Tests.Infrastructure;

/// <summary>Waiting in tests for something the code under test does in the background.</summary>
public static class Polling
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails the test if it does not within 10 s.</summary>
    public static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 s.");
            await Task.Delay(20);
        }
    }
}
