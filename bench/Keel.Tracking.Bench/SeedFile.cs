using System.Text.Json;

namespace Keel.Tracking.Bench;

/// <summary>What <c>seed</c> created, for the measuring commands.</summary>
internal sealed record SeedFile(
    Dictionary<string, string> SearchExperiments,
    Dictionary<string, string> HistoryRuns,
    string HistoryKey)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static SeedFile Load(string path) =>
        JsonSerializer.Deserialize<SeedFile>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"Empty seed file {path}.");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
}
