using System.Security.Cryptography;

namespace Keel.Storage.Sqlite;

/// <summary>Readable default run names ("brave-otter-417"), as MLflow gives unnamed runs.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives =
    [
        "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "fast",
        "gentle", "glad", "grand", "keen", "kind", "lucid", "merry", "nimble", "proud", "quick",
        "quiet", "rapid", "sharp", "shy", "silver", "steady", "swift", "tidy", "vivid", "wise",
    ];

    private static readonly string[] Nouns =
    [
        "ant", "bass", "bear", "crane", "deer", "dove", "eel", "finch", "fox", "gull",
        "hare", "heron", "ibis", "jay", "koi", "lark", "lynx", "mole", "newt", "otter",
        "owl", "pike", "quail", "seal", "shrew", "snail", "swan", "trout", "wasp", "wren",
    ];

    public static string Generate() =>
        $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Nouns[RandomNumberGenerator.GetInt32(Nouns.Length)]}-{RandomNumberGenerator.GetInt32(1000)}";
}
