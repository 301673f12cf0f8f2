using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keel.Server.Tests.Artifacts;

/// <summary>
/// The Keel app over a fresh SQLite database and artifact folder, through WebApplicationFactory on a
/// real Kestrel listener (port 0): TestServer cannot carry a raw, non-canonical request target, and the
/// path-safety tests need exactly that.
/// </summary>
public sealed class ArtifactsAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> _settings;

    public ArtifactsAppFactory()
        : this(null)
    {
    }

    private ArtifactsAppFactory(IReadOnlyDictionary<string, string>? settings)
    {
        Folder = Directory.CreateTempSubdirectory("keel-server-artifacts-").FullName;
        ArtifactsPath = Path.Join(Folder, "artifacts");
        Directory.CreateDirectory(ArtifactsPath);
        _settings = new Dictionary<string, string>
        {
            ["Keel:BackendStoreUri"] = "sqlite:///" + Path.Join(Folder, "keel.db"),
            ["Keel:ArtifactsUri"] = ArtifactsPath,
            ["Keel:Port"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }

        UseKestrel();
        try
        {
            StartServer();
        }
        catch
        {
            Directory.Delete(Folder, recursive: true);
            throw;
        }
    }

    /// <summary>A factory with extra configuration settings (e.g. <c>Keel:Artifacts:MaxUploadBytes</c>).</summary>
    public static ArtifactsAppFactory WithSettings(IReadOnlyDictionary<string, string> settings) => new(settings);

    /// <summary>The test's private folder: database, artifact root, and room for "outside" files.</summary>
    public string Folder { get; }

    public string ArtifactsPath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner gets it.
        }
    }
}
