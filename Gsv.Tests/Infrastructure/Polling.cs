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

    /// <summary>Reads <paramref name="read"/> until its value satisfies <paramref name="done"/>; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Waited {timeout.TotalSeconds:0} s for {what}; last value: {value}.");
            await Task.Delay(100);
        }
    }
}
