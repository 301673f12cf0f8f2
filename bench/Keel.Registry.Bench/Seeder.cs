using System.Diagnostics;
using System.Globalization;
using Keel.Core.Registry;

namespace Keel.Registry.Bench;

/// <summary>Fills the registry through the store, batching writes so the group-commit writer batches them.</summary>
internal static class Seeder
{
    public const string Alias = "champion";

    private const int Batch = 250;

    private static readonly Actor Seed = new("bench");

    public static string ModelName(int i) => "model-" + i.ToString("D5", CultureInfo.InvariantCulture);

    public static async Task SeedAsync(IRegistryStore store, int models, int versionsPerModel)
    {
        var existing = await store.SearchRegisteredModelsAsync(null, 1, ["name DESC"], null);
        if (existing.Items.Count == 1 && existing.Items[0].Name == ModelName(models - 1))
        {
            Console.WriteLine($"seed: reusing {models} models already in the database");
            return;
        }

        var clock = Stopwatch.StartNew();
        for (var start = 0; start < models; start += Batch)
        {
            var batch = Enumerable.Range(start, Math.Min(Batch, models - start)).ToList();
            await Task.WhenAll(batch.Select(i => store.CreateRegisteredModelAsync(
                ModelName(i), [new RegisteredModelTag("team", "team-" + (i % 10).ToString(CultureInfo.InvariantCulture))], null, Seed)));
            for (var v = 0; v < versionsPerModel; v++)
            {
                await Task.WhenAll(batch.Select(i => store.CreateModelVersionAsync(
                    new CreateModelVersionCommand(
                        ModelName(i),
                        $"mlflow-artifacts:/models/{ModelName(i)}/{v}",
                        Guid.NewGuid().ToString("N"),
                        [new ModelVersionTag("stage", v % 2 == 0 ? "candidate" : "validated")],
                        null,
                        null,
                        null),
                    Seed)));
            }

            await Task.WhenAll(batch.Select(i => store.SetAliasAsync(ModelName(i), Alias, versionsPerModel.ToString(CultureInfo.InvariantCulture), Seed)));
            if ((start / Batch) % 8 == 0)
            {
                Console.WriteLine($"seed: {start + batch.Count} models after {clock.Elapsed.TotalSeconds:F0} s");
            }
        }

        Console.WriteLine($"seed: {models} models x {versionsPerModel} versions in {clock.Elapsed.TotalSeconds:F0} s");
    }
}
