using Microsoft.Playwright;

namespace Keel.Ui.Tests.Infrastructure;

/// <summary>A page of Keel's UI: navigation that waits for the page to be drawn, and what went wrong in it (script errors, dialogs, CSP violations).</summary>
public sealed class UiPage(IPage page, IBrowserContext context, Uri server) : IAsyncDisposable
{
    private readonly List<string> _problems = Watch(page);

    public IPage Page { get; } = page;

    /// <summary>Console errors, uncaught exceptions and JavaScript dialogs (an alert means injected script ran).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Requests the page made to the REST API, path and query.</summary>
    public List<string> ApiCalls { get; } = Track(page);

    /// <summary>Opens a route (e.g. <c>#/runs/abc</c>) and waits until the UI says the page is drawn.</summary>
    public async Task GoAsync(string hash)
    {
        await Page.GotoAsync(new Uri(server, "/" + hash).ToString());
        await WaitReadyAsync(hash.TrimStart('#'));
    }

    /// <summary>Waits until the main element says it shows the given route (after navigation by a click).</summary>
    public async Task WaitReadyAsync(string route) =>
        await Page.WaitForFunctionAsync("r => document.getElementById('main').dataset.ready === r", route.Length == 0 ? "/" : route);

    /// <summary>Does something that makes the UI draw a page (a search, a sort, a link), and waits until it has drawn it.</summary>
    public async Task RedrawAsync(Func<Task> action)
    {
        var before = await Page.EvalOnSelectorAsync<string>("#main", "m => m.dataset.renders || '0'");
        await action();
        await Page.WaitForFunctionAsync("n => Number(document.getElementById('main').dataset.renders || 0) > n", int.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png"), FullPage = true });

    /// <summary>Fails on any problem in the page but those starting with one of <paramref name="expected"/>.</summary>
    public void AssertNoProblems(params string[] expected)
    {
        var unexpected = _problems.Where(p => !expected.Any(e => p.StartsWith(e, StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, "Problems in the page: " + string.Join(" | ", unexpected));
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    private static List<string> Track(IPage page)
    {
        var calls = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/api/", StringComparison.Ordinal))
            {
                lock (calls)
                {
                    calls.Add(r.Method + " " + new Uri(r.Url).PathAndQuery);
                }
            }
        };
        return calls;
    }

    private static List<string> Watch(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            // An API answer of 4xx is logged by Chromium as "Failed to load resource"; the UI shows those itself.
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add("console: " + m.Text);
            }
        };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Dialog += async (_, d) =>
        {
            problems.Add("dialog: " + d.Message);
            await d.DismissAsync();
        };
        return problems;
    }
}
