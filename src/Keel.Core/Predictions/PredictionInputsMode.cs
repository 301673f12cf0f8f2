using System.Security.Cryptography;

namespace Keel.Core.Predictions;

/// <summary>What the prediction log keeps of a request's inputs.</summary>
public enum PredictionInputsMode
{
    /// <summary>
    /// Every input value: <c>inputs</c> is an array with one array of values per row, in the
    /// model's input column order (MLflow's <c>dataframe_split</c> <c>data</c>).
    /// </summary>
    Full,

    /// <summary>
    /// A fingerprint per row instead of the values: <c>inputs</c> is an array with one string per
    /// row, <c>"sha256:"</c> followed by the lower-case hex SHA-256 of that row's canonical JSON (see
    /// <see cref="PredictionInputHash"/>). Equal rows get equal hashes, so repeated inputs can still
    /// be found and joined, but the values themselves are not stored.
    /// </summary>
    Hash,

    /// <summary>Nothing: <c>inputs</c> is an empty array. Outputs, timing and feedback are logged as usual.</summary>
    None,
}

/// <summary>The fingerprint <see cref="PredictionInputsMode.Hash"/> stores for each row.</summary>
public static class PredictionInputHash
{
    /// <summary>What every hash starts with.</summary>
    public const string Prefix = "sha256:";

    /// <summary>Length of a hash as stored: the prefix and 64 hex digits.</summary>
    public const int Length = 7 + 64;

    /// <summary>
    /// The hash of one row given as its canonical JSON: a compact array of the row's values in the
    /// model's input column order, each value exactly as the client sent it (missing values as
    /// <c>null</c>), UTF-8 encoded. It is the row as <see cref="PredictionInputsMode.Full"/> stores
    /// it, so the hash of a row logged in full is SHA-256 of that row's text, e.g.
    /// <c>sha256("[2176.0,\"LAS\",\"PHL\"]")</c>.
    /// </summary>
    /// <param name="canonicalRowUtf8">The row's canonical JSON.</param>
    /// <param name="destination">At least <see cref="Length"/> bytes; receives the ASCII text <c>sha256:…</c>.</param>
    public static void Write(ReadOnlySpan<byte> canonicalRowUtf8, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonicalRowUtf8, hash);
        "sha256:"u8.CopyTo(destination);
        Convert.TryToHexStringLower(hash, destination[7..], out _);
    }

    /// <summary>The stored text of a row's hash (<c>sha256:</c> and 64 hex digits).</summary>
    public static string Of(ReadOnlySpan<byte> canonicalRowUtf8)
    {
        Span<byte> text = stackalloc byte[Length];
        Write(canonicalRowUtf8, text);
        return System.Text.Encoding.ASCII.GetString(text);
    }
}
