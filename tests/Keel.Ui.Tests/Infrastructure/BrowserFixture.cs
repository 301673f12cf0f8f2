using Microsoft.Playwright;

namespace Keel.Ui.Tests.Infrastructure;

/// <summary>
/// One Chromium (Debian's /usr/bin/chromium, installed by test.sh) and one Keel server for every
/// browser test class in the collection. Each test opens its own browser context (fresh storage).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium; KEEL_CHROMIUM overrides it.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("KEEL_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public KeelUiServer Server { get; private set; } = null!;

    /// <summary>Screenshots are test output: artifacts/test-results/ui-screenshots under the repository (ignored by git).</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium not found at {ChromiumPath}: run ./test.sh (it installs Debian's chromium) or apt-get install -y chromium.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
        Server = await KeelUiServer.StartAsync();
    }

    /// <summary>A new page in a new context, with the console errors and page errors collected.</summary>
    public async Task<UiPage> NewPageAsync(ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            ColorScheme = colorScheme,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return new UiPage(page, context, Server.Address);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "test-results", "ui-screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
