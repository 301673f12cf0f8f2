using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Server.Infrastructure;

namespace Keel.Server.Auth;

/// <summary>Wires authentication and permissions into <c>keel server</c> (docs/auth.md).</summary>
public static partial class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="AuthOptions"/> from <c>Keel:Auth</c>, registers the password hasher and
    /// <see cref="AuthService"/>, and refuses a non-loopback address with auth off unless
    /// <see cref="AuthOptions.InsecureNoAuth"/> is set.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="addresses">The addresses the server will listen on.</param>
    /// <exception cref="KeelException">INVALID_STATE: a non-loopback address without auth.</exception>
    public static AuthOptions AddKeelAuth(this WebApplicationBuilder builder, IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(addresses);
        var options = new AuthOptions();
        builder.Configuration.GetSection(AuthOptions.Section).Bind(options);
        options.Validate();
        if (!options.Enabled && !options.InsecureNoAuth && addresses.FirstOrDefault(a => !HostingAddresses.IsLoopback(a)) is { } open)
        {
            throw new KeelException(
                ErrorCode.InvalidState,
                $"Refusing to listen on {open} without authentication: anyone who could reach it could read and change everything. Start with --auth (Keel:Auth:Enabled=true), bind 127.0.0.1, or pass --insecure-no-auth if a proxy in front authenticates.");
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Core.Auth.IPasswordHasher, IdentityPasswordHasher>();
        builder.Services.AddSingleton(sp => new AuthService(
            sp.GetRequiredService<IAuthStore>(),
            sp.GetRequiredService<Core.Auth.IPasswordHasher>(),
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddSingleton<SetupToken>();
        builder.Services.AddSingleton<AuthMiddleware>();
        builder.Services.AddSingleton<ScoringGate>();
        return options;
    }

    /// <summary>
    /// Maps MLflow's auth API and Keel's token API and, when auth is on, puts the authentication and
    /// permission check in front of every endpoint; with no user yet, prints a one-time setup token.
    /// </summary>
    public static WebApplication UseKeelAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<AuthOptions>();
        app.MapAuthApi();
        app.MapTokensApi();
        app.MapKeelResourcesApi();

        // Scoring tokens hold whether auth is on or off: a resource that has them refuses scoring without one.
        var gate = app.Services.GetRequiredService<ScoringGate>();
        app.Use((context, next) => gate.InvokeAsync(context, next));
        if (!options.Enabled)
        {
            return app;
        }

        var middleware = app.Services.GetRequiredService<AuthMiddleware>();
        app.Use((context, next) => middleware.InvokeAsync(context, next));
        if (app.Services.GetRequiredService<SetupToken>().IssueAsync().GetAwaiter().GetResult() is { } token)
        {
            LogSetupToken(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Keel.Server.Auth"), token);
        }

        return app;
    }

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Auth is on and no user exists. Create the first admin with this one-time setup token (any replica on this store accepts it, once): POST /api/2.0/keel/auth/setup {{\"setup_token\": \"{Token}\", \"username\": ..., \"password\": ...}}, or run `keel admin create-user NAME --admin`")]
    private static partial void LogSetupToken(ILogger logger, string token);
}
