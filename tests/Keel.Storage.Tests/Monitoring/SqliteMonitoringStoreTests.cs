using Keel.Core.Monitoring;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Monitoring;

public sealed class SqliteMonitoringStoreTests : MonitoringStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitoring-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IMonitoringStore> CreateStoreAsync()
    {
        _database = Open();
        return Task.FromResult<IMonitoringStore>(new SqliteMonitoringStore(_database.Database));
    }

    private SqliteTrackingStore Open() => new(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Clock);

    private long Count(string table)
    {
        using var connection = new SqliteConnection($"Data Source={_database!.DatabasePath};Mode=ReadOnly");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task Monitor_Windows_AndAlerts_SurviveARestart()
    {
        var spec = MonitorSpecValidator.Normalize(new MonitorSpec { Model = "m", Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, For = 2 }] });
        await Store.PutMonitorAsync(spec, "alice");
        var window = (await Store.PutWindowsAsync([Window("m", "1", 0, "d", "stable")]))[0];
        var alert = NewAlert("m", "drift");
        var created = await Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending));
        await _database!.DisposeAsync();
        SqliteConnection.ClearAllPools();

        _database = Open();
        var reopened = new SqliteMonitoringStore(_database.Database);
        AssertSame(spec, (await reopened.GetMonitorAsync("m"))?.Spec);
        AssertSame(window, Assert.Single((await reopened.ListWindowsAsync(new MonitorWindowQuery("m"))).Items));
        AssertSame(created, await reopened.GetAlertAsync(alert.Key));
        Assert.Null(await reopened.TryPutAlertAsync(created! with { State = AlertStates.Firing }, 0, null));
        Assert.Single((await reopened.ListAlertEventsAsync("m", null, 10, null)).Items);
    }

    [Fact]
    public async Task ReplacingAWindow_AndRetention_LeaveNoOrphanFeatureRows()
    {
        await Store.PutWindowsAsync([Window("m", "1", 0), Window("m", "1", 1)]);
        await Store.PutWindowsAsync([Window("m", "1", 0) with { Features = [new FeatureDrift("income", "input", "ks", 0.2, 0.5, 0.05, false)] }]);
        Assert.Equal(4, Count("monitor_window_features"));

        await Store.DeleteWindowsBeforeAsync(Now + (10 * Step));

        Assert.Equal(0, Count("monitor_windows"));
        Assert.Equal(0, Count("monitor_window_features"));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
