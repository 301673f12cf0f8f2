using System.Globalization;
using Keel.Registry.Bench;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

// Registry search benchmark (see docs/benchmarks-registry.md):
//   dotnet run -c Release --project bench/Keel.Registry.Bench -- [--db PATH] [--reps N] [--server URL]
// Seeds 10,000 models x 10 versions (one alias each) through SqliteRegistryStore unless the database
// already holds them, then reports p50/p90 latencies of searches and alias resolution in-process and,
// with --server, over HTTP against a Keel server using the same database.
var options = BenchOptions.Parse(args);
Console.WriteLine($"database: {options.DatabasePath}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

var folder = Path.GetDirectoryName(options.DatabasePath)!;
Directory.CreateDirectory(folder);
await using (var database = new SqliteTrackingStore(options.DatabasePath, Path.Combine(folder, "artifacts"), TimeProvider.System))
{
    var store = new SqliteRegistryStore(database.Database, database.ArtifactRoot);
    await Seeder.SeedAsync(store, options.Models, options.VersionsPerModel);

    var report = new LatencyReport(options.Repetitions);
    var random = new Random(42);
    await report.MeasureAsync("search models: name LIKE '%42%', 100 results",
        () => store.SearchRegisteredModelsAsync("name LIKE '%42%'", 100, null, null));
    await report.MeasureAsync("search models: name LIKE 'model-004%' (prefix), 100 results",
        () => store.SearchRegisteredModelsAsync("name LIKE 'model-004%'", 100, null, null));
    using (var sqlOnly = new SearchSqlOnly(options.DatabasePath))
    {
        foreach (var (filter, versions) in new[] { ("name LIKE '%42%'", false), ("name LIKE 'model-004%'", false), ((string?)null, true), ("name = 'model-00042'", true) })
        {
            Console.WriteLine($"plan ({(versions ? "versions" : "models")}, {filter ?? "no filter"}): {string.Join("; ", sqlOnly.Plan(filter, versions))}");
        }

        await report.MeasureAsync("search SQL only: name LIKE '%42%', 100 names",
            () => sqlOnly.ModelNamesAsync("name LIKE '%42%'", 100));
        await report.MeasureAsync("search SQL only: name LIKE 'model-004%', 100 names",
            () => sqlOnly.ModelNamesAsync("name LIKE 'model-004%'", 100));
    }

    await report.MeasureAsync("search models: default order, 100 results",
        () => store.SearchRegisteredModelsAsync(null, 100, null, null));
    await report.MeasureAsync("search versions: name = one model",
        () => store.SearchModelVersionsAsync($"name = '{Seeder.ModelName(random.Next(options.Models))}'", 100, null, null));
    await report.MeasureAsync("search versions: default order, 100 results",
        () => store.SearchModelVersionsAsync(null, 100, null, null));
    await report.MeasureAsync("alias resolution: GetModelVersionByAliasAsync",
        () => store.GetModelVersionByAliasAsync(Seeder.ModelName(random.Next(options.Models)), Seeder.Alias, default));

    if (options.Server is { } server)
    {
        using var http = new HttpClient { BaseAddress = server };
        await report.MeasureAsync("HTTP search models: name LIKE '%42%', 100 results",
            () => http.GetStringAsync("api/2.0/mlflow/registered-models/search?max_results=100&filter=" + Uri.EscapeDataString("name LIKE '%42%'")));
        await report.MeasureAsync("HTTP search models: name LIKE 'model-004%', 100 results",
            () => http.GetStringAsync("api/2.0/mlflow/registered-models/search?max_results=100&filter=" + Uri.EscapeDataString("name LIKE 'model-004%'")));
        await report.MeasureAsync("HTTP alias resolution: registered-models/alias",
            () => http.GetStringAsync($"api/2.0/mlflow/registered-models/alias?name={Seeder.ModelName(random.Next(options.Models))}&alias={Seeder.Alias}"));
    }

    report.Print(Console.Out);
}

SqliteConnection.ClearAllPools();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done at {DateTime.UtcNow:u}"));
