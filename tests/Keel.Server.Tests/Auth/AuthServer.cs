using System.Net.Http.Headers;
using System.Text;
using Keel.Core.Auth;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Auth;

/// <summary>A Keel server with auth on, a fake clock, an admin and helpers to call it as a user.</summary>
public sealed class AuthServer : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-123";
    public const string Password = "user-password-1234";

    private readonly KeelApiFactory _factory = new();
    private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _server;

    public AuthServer(Dictionary<string, string>? settings = null, bool createAdmin = true)
    {
        _factory.Settings["Keel:Auth:Enabled"] = "true";
        foreach (var (k, v) in settings ?? [])
        {
            _factory.Settings[k] = v;
        }

        _server = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
        if (createAdmin)
        {
            Auth.CreateUserAsync("admin", AdminPassword, isAdmin: true).GetAwaiter().GetResult();
        }
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public AuthService Auth => _server.Services.GetRequiredService<AuthService>();

    public IServiceProvider Services => _server.Services;

    /// <summary>The server's SQLite file (another server can share it, as a replica).</summary>
    public string DatabasePath => _factory.DatabasePath;

    /// <summary>A client sending no credentials.</summary>
    public HttpClient Anonymous() => _server.CreateClient();

    /// <summary>A client signing in with HTTP Basic.</summary>
    public HttpClient Basic(string user, string password)
    {
        var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    /// <summary>A client sending a Bearer token.</summary>
    public HttpClient Bearer(string token)
    {
        var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin() => Basic("admin", AdminPassword);

    /// <summary>Creates a (non-admin) user through the API, as the admin; returns a client signed in as them.</summary>
    public async Task<HttpClient> UserAsync(string name)
    {
        var answer = await Admin().ApiPostAsync("users/create", new { username = name, password = Password });
        Assert.Equal(200, answer.Status);
        return Basic(name, Password);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
