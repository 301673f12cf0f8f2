using System.Net.Http.Headers;
using System.Text;
using Keel.Core.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Security;

/// <summary>
/// The Keel server on real Kestrel sockets (port 0), in this process, over a fresh SQLite database
/// and artifact folder: the attacks are sent over real HTTP, raw request targets included.
/// </summary>
public class SecurityServer : WebApplicationFactory<Program>
{
    public const string AdminPassword = "admin-password-123";
    public const string Password = "user-password-1234";

    private readonly Dictionary<string, string> _settings;
    private readonly SemaphoreSlim _onceLock = new(1, 1);
    private readonly Dictionary<string, object> _once = new(StringComparer.Ordinal);

    public SecurityServer()
        : this(auth: false)
    {
    }

    protected SecurityServer(bool auth, IReadOnlyDictionary<string, string>? settings = null, bool createAdmin = true)
    {
        Folder = Directory.CreateTempSubdirectory("keel-security-").FullName;
        ArtifactsPath = Path.Join(Folder, "artifacts");
        Directory.CreateDirectory(ArtifactsPath);
        AuthOn = auth;
        _settings = new Dictionary<string, string>
        {
            ["Keel:BackendStoreUri"] = "sqlite:///" + Path.Join(Folder, "keel.db"),
            ["Keel:ArtifactsUri"] = ArtifactsPath,
            ["Keel:Port"] = "0",
            ["Keel:Auth:Enabled"] = auth ? "true" : "false",
            ["Keel:Deployments:Controller:Enabled"] = "false",
            ["Keel:Monitoring:Scheduler:Enabled"] = "false",
            ["Keel:Serving:CacheFolder"] = Path.Join(Folder, "serving-cache"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }

        UseKestrel();
        try
        {
            StartServer();
            if (auth && createAdmin)
            {
                Auth.CreateUserAsync("admin", AdminPassword, isAdmin: true).GetAwaiter().GetResult();
            }
        }
        catch
        {
            Directory.Delete(Folder, recursive: true);
            throw;
        }
    }

    /// <summary>The test's private folder: database, artifact root, and room for "outside" files.</summary>
    public string Folder { get; }

    public string ArtifactsPath { get; }

    public bool AuthOn { get; }

    public AuthService Auth => Services.GetRequiredService<AuthService>();

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address => CreateClient().BaseAddress!;

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => CreateClient();

    /// <summary>A client signing in with HTTP Basic.</summary>
    public HttpClient Basic(string user, string password)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    /// <summary>The admin with auth on; a plain client with auth off.</summary>
    public HttpClient Admin() => AuthOn ? Basic("admin", AdminPassword) : CreateClient();

    /// <summary>A new non-admin user (auth on) signed in, or a plain client (auth off).</summary>
    public async Task<HttpClient> UserAsync(string name)
    {
        if (!AuthOn)
        {
            return CreateClient();
        }

        await Auth.CreateUserAsync(name, Password, isAdmin: false);
        return Basic(name, Password);
    }

    /// <summary>Creates a test class's shared set-up once per server (users, experiments, files).</summary>
    public async Task<T> OnceAsync<T>(string key, Func<Task<T>> create)
        where T : notnull
    {
        await _onceLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!_once.TryGetValue(key, out var value))
            {
                value = await create();
                _once[key] = value;
            }

            return (T)value;
        }
        finally
        {
            _onceLock.Release();
        }
    }

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
        _onceLock.Dispose();
        SqliteConnection.ClearAllPools();
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

/// <summary>Auth on, an admin, and <c>NoPermissions</c> by default: a user reaches only what they created or were granted.</summary>
public sealed class AuthOnServer() : SecurityServer(auth: true, new Dictionary<string, string> { ["Keel:Auth:DefaultPermission"] = "NoPermissions" });

/// <summary>Auth off (loopback), as <c>keel server</c> runs by default.</summary>
public sealed class AuthOffServer() : SecurityServer(auth: false);

/// <summary>Auth on and no user yet: a fresh server.</summary>
public sealed class FreshAuthServer() : SecurityServer(auth: true, createAdmin: false);

/// <summary>Auth on, with two allowed CORS origins.</summary>
public sealed class CorsServer() : SecurityServer(auth: true, new Dictionary<string, string>
{
    ["Keel:Cors:AllowedOrigins:0"] = "https://app.example.com",
    ["Keel:Cors:AllowedOrigins:1"] = "http://localhost:3000",
})
{
    public const string AllowedOrigin = "https://app.example.com";
}
