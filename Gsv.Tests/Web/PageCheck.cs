using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Gsv.Tests.Web;

/// <summary>
/// What every browser test checks on each page it reaches: a full-page screenshot under the test output folder, and
/// axe-core (Deque's bundled build, with its default rules) finding no serious or critical violation.
/// </summary>
/// <remarks>
/// Deque's <c>RunAxe</c> runs axe in each frame, then finishes the run in a new blank page of the browser context (so a
/// page's cross-origin frames are checked in isolation). On this machine that takes 1.5 to 3 s a page, where axe itself
/// takes 20 to 100 ms, and the browser tests check about 60 pages. Our pages have no frames: axe runs once in the page
/// itself. A page with frames still goes through <c>RunAxe</c>, so none is checked only in part.
/// </remarks>
internal static class PageCheck
{
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static readonly Lazy<string> AxeScript = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>The serious and critical violations, with the rule, its help text and the offending elements.</summary>
    private const string SeriousViolations = """
        async () => JSON.stringify((await axe.run(document, { resultTypes: ['violations'] })).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html) })))
        """;

    /// <returns>The screenshot's path.</returns>
    public static async Task<string> CheckAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

        var serious = await SeriousViolationsAsync(page);
        Assert.True(serious.Count == 0, $"{name}: {string.Join("\n", serious)}");
        return path;
    }

    private static async Task<List<string>> SeriousViolationsAsync(IPage page)
    {
        if (page.Frames.Count > 1)
        {
            return (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => Describe(v.Impact, v.Id, v.Help, v.Nodes.Select(n => n.Html))).ToList();
        }

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            await page.EvaluateAsync(AxeScript.Value);
        }

        var violations = JsonSerializer.Deserialize<Violation[]>(await page.EvaluateAsync<string>(SeriousViolations), JsonSerializerOptions.Web)!;
        return violations.Select(v => Describe(v.Impact, v.Id, v.Help, v.Nodes)).ToList();
    }

    private static string Describe(string impact, string rule, string help, IEnumerable<string> nodes) =>
        $"{impact} {rule}: {help} — {string.Join(" | ", nodes)}";

    private sealed record Violation(string Id, string Impact, string Help, string[] Nodes);
}
