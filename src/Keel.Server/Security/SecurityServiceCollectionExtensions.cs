using Keel.Core.Security;

namespace Keel.Server.Security;

/// <summary>
/// Browser-facing protections of <c>keel server</c> (docs/security.md): a CORS allowlist of origins
/// (empty by default), refusal of cross-site state-changing requests, and <c>Cache-Control: no-store</c>
/// on API answers.
/// </summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>The CORS policy's name.</summary>
    private const string Policy = "keel";

    /// <summary>Binds and validates <see cref="CorsSettings"/> (<c>Keel:Cors</c>) and registers ASP.NET Core's CORS services with Keel's policy.</summary>
    /// <param name="builder">The host builder.</param>
    /// <exception cref="InvalidOperationException">An allowed origin is not an origin.</exception>
    public static WebApplicationBuilder AddKeelSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new CorsSettings();
        builder.Configuration.GetSection(CorsSettings.Section).Bind(settings);
        var origins = new AllowedOrigins(settings.Validate());
        builder.Services.AddSingleton(origins);
        builder.Services.AddCors(cors => cors.AddPolicy(Policy, policy =>
        {
            // Exactly the listed origins, each echoed back alone (never "*"), with credentials.
            policy.WithOrigins([.. origins.Origins]).AllowAnyMethod().AllowAnyHeader().AllowCredentials()
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));
        return builder;
    }

    /// <summary>
    /// Adds, in this order: the cross-origin guard (refused preflights and cross-site state changes
    /// get 403), ASP.NET Core's CORS middleware with Keel's policy, and <c>Cache-Control: no-store</c>
    /// on API answers. Put it before authentication, so a preflight (which carries no credentials) is
    /// answered without them.
    /// </summary>
    public static WebApplication UseKeelSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var origins = app.Services.GetRequiredService<AllowedOrigins>();
        app.Use((context, next) => CrossOriginGuard.InvokeAsync(context, next, origins.Origins));
        app.UseCors(Policy);
        return app;
    }
}

/// <summary>The normalised origins of <c>Keel:Cors:AllowedOrigins</c>.</summary>
/// <param name="Origins">Each <c>scheme://host[:port]</c>, lower case.</param>
internal sealed record AllowedOrigins(IReadOnlyList<string> Origins);
