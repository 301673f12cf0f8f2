using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Server.Artifacts;
using Keel.Server.Auth;
using Keel.Server.Deployments;
using Keel.Server.Deployments.Controller;
using Keel.Server.Deployments.Routing;
using Keel.Server.Infrastructure;
using Keel.Server.Monitoring;
using Keel.Server.Registry;
using Keel.Server.Security;
using Keel.Server.Serving;
using Keel.Server.Tracking;
using Keel.Server.Ui;
using Keel.Storage.Artifacts.S3;
using Keel.Storage.Sqlite;
using Keel.Stores;

namespace Keel.Server;

/// <summary>Builds Keel's web application; used by Program, by <c>keel server</c> and by tests.</summary>
public static class KeelServerApp
{
    /// <summary>Builds the app from command-line style arguments and configuration.</summary>
    /// <param name="args">ASP.NET configuration arguments (e.g. <c>--Keel:Port=5001</c>).</param>
    /// <param name="configure">Optional overrides applied to the options after binding.</param>
    public static WebApplication Build(string[] args, Action<KeelServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var options = new KeelServerOptions();
        builder.Configuration.GetSection("Keel").Bind(options);
        configure?.Invoke(options);

        builder.AddKeelHosting();
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
        {
            builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        var limits = new InputLimits();
        builder.Configuration.GetSection(InputLimits.Section).Bind(limits);
        limits.Validate();
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton(builder.Configuration.GetSection(S3ArtifactStoreOptions.Section).Get<S3ArtifactStoreOptions>() ?? new S3ArtifactStoreOptions());
        builder.Services.AddKeelStorage(options.BackendStoreUri, options.ArtifactsUri);
        builder.AddKeelAuth((builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? $"http://{options.Host}:{options.Port}").Split(';', StringSplitOptions.RemoveEmptyEntries));
        builder.AddKeelSecurity();
        builder.Services.AddHostedService<AbandonedUploadSweeper>();
        builder.Services.AddSingleton(builder.Configuration.GetSection(SqliteStoreOptions.Section).Get<SqliteStoreOptions>() ?? new SqliteStoreOptions());
        builder.Services.AddServing(builder.Configuration["Keel:Serving:CacheFolder"] ?? ServingCache.DefaultParent);
        builder.Services.AddPredictionLog(builder.Configuration.GetSection(PredictionLogOptions.Section));
        builder.Services.AddKeelDeployments();
        builder.Services.AddKeelDeploymentController(builder.Configuration);
        builder.Services.AddKeelBlueGreenCheck();
        builder.Services.AddDeploymentRouting(builder.Configuration);
        builder.Services.AddKeelRolling();
        builder.Services.AddKeelMonitoring();
        builder.Services.AddKeelMonitoringApi();
        builder.Services.AddKeelMonitorScheduling(builder.Configuration);
        builder.Services.AddKeelAlerts(builder.Configuration);
        builder.Services.AddKeelPerformanceEstimation(builder.Configuration);
        builder.Services.AddKeelDeploymentAnalysis(builder.Configuration);
        builder.Services.AddKeelAlertActions(builder.Configuration);

        var app = builder.Build();

        // Open (create, migrate, verify) the stores now: a bad or too-new database must stop the
        // server at start-up with a clear message, not fail its first requests.
        app.Services.GetRequiredService<ITrackingStore>();
        app.Services.GetRequiredService<IRegistryStore>();
        app.Services.GetRequiredService<IArtifactStore>();
        app.UseKeelHosting();
        app.UseKeelSecurity();
        app.UseKeelAuth();
        app.MapHealthApi();
        app.MapTrackingApi();
        app.MapArtifactsApi();
        app.MapRegistryApi();
        app.MapKeelRegistryApi();
        app.MapApprovalsApi();
        app.MapDeploymentsApi();
        app.MapDeploymentReportApi();
        app.MapServingApi();
        app.MapDeploymentRouting();
        app.MapServingMetrics();
        app.MapPredictionLogApi();
        app.MapMonitoringApi();
        app.MapMonitoringSummaryApi();
        app.MapKeelUi();
        return app;
    }
}
