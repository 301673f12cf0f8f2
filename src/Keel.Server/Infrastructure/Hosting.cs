using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Keel.Server.Infrastructure;

/// <summary>
/// The hosting hardening both hosts share (<c>keel server</c> and <c>keel serve</c>): the open-file
/// limit raised and a connection cap derived from it, short idle and header timeouts, request-body
/// limits and a memory budget, security headers, JSON errors, and a warning on non-loopback addresses.
/// </summary>
public static class Hosting
{
    /// <summary>
    /// Binds <see cref="HostingOptions"/> from <c>Keel:Hosting</c>, validates them, raises the soft
    /// open-file limit to the hard one and configures Kestrel.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optional overrides applied after binding (tests).</param>
    /// <exception cref="InvalidOperationException">A setting is invalid.</exception>
    public static HostingOptions AddKeelHosting(this WebApplicationBuilder builder, Action<HostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new HostingOptions();
        builder.Configuration.GetSection(HostingOptions.Section).Bind(options);
        configure?.Invoke(options);
        options.Validate();

        var limits = HostingDescriptors.RaiseSoftToHard();
        var maxConnections = options.MaxConnections ?? HostingOptions.DefaultMaxConnections(limits?.SoftAfter, HostingDescriptors.OpenNow());
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new HostingStart(limits, maxConnections, options.MaxConnections is null));
        builder.Services.AddSingleton(sp => new HostingConnectionLimit(maxConnections, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Keel.Server.Hosting")));
        builder.Services.AddSingleton(sp => new MemoryTrimmer(options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<MemoryTrimmer>>()));
        builder.Services.AddSingleton<RequestBodyBudget>();

        // Registered after Kestrel's socket transport, so Kestrel binds through it.
        builder.Services.AddSingleton<IConnectionListenerFactory>(sp => new HostingListenerFactory(
            new SocketTransportFactory(sp.GetRequiredService<IOptions<SocketTransportOptions>>(), sp.GetRequiredService<ILoggerFactory>()),
            sp.GetRequiredService<HostingConnectionLimit>()));
        builder.WebHost.UseKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => listen.ApplicationServices.GetRequiredService<HostingConnectionLimit>().Middleware(next)));
        });
        return options;
    }

    /// <summary>
    /// Adds the shared middleware (security headers, JSON errors, body limits) and the start-up
    /// log lines: the descriptor limits and a warning for every non-loopback address.
    /// </summary>
    public static WebApplication UseKeelHosting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseKeelSecurityHeaders();
        app.UseKeelErrors();
        app.UseKeelRequestBodies();
        app.Lifetime.ApplicationStarted.Register(() => LogStart(app.Services));
        return app;
    }

    /// <summary>The addresses Kestrel bound (with the real port when 0 was asked for) that are not loopback.</summary>
    public static IReadOnlyList<string> NonLoopbackAddresses(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Where(a => !HostingAddresses.IsLoopback(a)).ToArray();
    }

    private static void LogStart(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Keel.Server.Hosting");
        var start = services.GetRequiredService<HostingStart>();
        var source = start.Derived ? "derived from the open-file limit" : HostingOptions.Section + ":MaxConnections";
        if (start.Limits is var (before, hard, after))
        {
            HostingLog.DescriptorLimits(logger, Text(before), Text(hard), Text(after), start.MaxConnections, source);
            if (start.Derived && after < 1024)
            {
                HostingLog.DescriptorLimitLow(logger, Text(after), start.MaxConnections);
            }
        }
        else
        {
            HostingLog.DescriptorLimits(logger, "unknown", "unknown", "unknown", start.MaxConnections, source);
        }

        // With auth on, a non-loopback address is the intended set-up, not a warning.
        if (services.GetService<Keel.Core.Auth.AuthOptions>() is not { Enabled: true })
        {
            foreach (var address in NonLoopbackAddresses(services))
            {
                HostingLog.NonLoopbackAddress(logger, address);
            }
        }
    }

    private static string Text(ulong limit) => limit == ulong.MaxValue ? "unlimited" : limit.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What <see cref="AddKeelHosting"/> found and chose, logged once the server listens.</summary>
    private sealed record HostingStart((ulong SoftBefore, ulong Hard, ulong SoftAfter)? Limits, int MaxConnections, bool Derived);
}
