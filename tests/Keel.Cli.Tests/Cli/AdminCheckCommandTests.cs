using Keel.Cli.Tests.Infrastructure;
using Keel.Storage.Sql;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Cli;

/// <summary><c>keel admin check</c>: exit 0 for a healthy store, 1 for problems, 2 when it cannot check.</summary>
public sealed class AdminCheckCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-admin-check-").FullName;

    private string DbPath => Path.Combine(_folder, "keel.db");

    private string Uri => "sqlite:///" + DbPath;

    [Fact]
    public async Task HealthyStore_PrintsEveryCheckOk_AndExits0()
    {
        await CreateStoreAsync();

        var result = await CliRun.RunAsync(["admin", "check", "--backend-store-uri", Uri]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^\s*Check\s+Result\s+Problems\s*$", result.Lines[0]);
        foreach (var check in new[] { "integrity", "foreign_keys", "schema" })
        {
            Assert.Matches($@"^\s*{check}\s+ok\s*$", Assert.Single(result.Lines, l => l.TrimStart().StartsWith(check, StringComparison.Ordinal)));
        }

        Assert.Equal($"{DbPath}: healthy (schema version {Migrator.LatestVersion}).", result.Lines[^1]);
    }

    [Fact]
    public async Task DamagedStore_ListsTheProblems_AndExits1()
    {
        await CreateStoreAsync();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False;Foreign Keys=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO params (run_key, key, value) VALUES (77, 'k', 'v')";
            await cmd.ExecuteNonQueryAsync();
        }

        var result = await CliRun.RunAsync(["admin", "check", "--backend-store-uri", Uri, "--json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var report = result.Json();
        Assert.False(report.GetProperty("healthy").GetBoolean());
        var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.True(checks["integrity"].GetProperty("ok").GetBoolean());
        Assert.Equal("params: a row refers to a missing runs row", Assert.Single(checks["foreign_keys"].GetProperty("problems").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task EmptyFile_IsAProblem_AndExits1()
    {
        await File.WriteAllBytesAsync(DbPath, []);

        var result = await CliRun.RunAsync(["admin", "check", "--backend-store-uri", Uri]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("the file is empty (0 bytes)", result.Out, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(DbPath).Length);
    }

    [Fact]
    public async Task MissingFile_IsAnError_Exits2_AndCreatesNothing()
    {
        var result = await CliRun.RunAsync(["admin", "check", "--backend-store-uri", Uri]);

        CliRun.AssertOneLineError(result, 2, "No database file at");
        Assert.False(File.Exists(DbPath));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task CreateStoreAsync()
    {
        await new SqliteTrackingStore(DbPath, Path.Combine(_folder, "artifacts"), TimeProvider.System).DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
