using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Validation.Gates;
using Keel.ML.Data;

namespace Keel.ML.Validation;

/// <summary>
/// The training data's <see cref="DataProfile"/> (missing shares, numeric ranges, categories),
/// stored in the model package as <see cref="FileName"/> so that <c>keel validate</c> can hold new
/// data to it with Core's <see cref="QualityGate"/>.
/// </summary>
public static class TrainingProfile
{
    /// <summary>The file name in the package.</summary>
    public const string FileName = "data_profile.json";

    private const long MaxBytes = 64L << 20;

    /// <summary>Core's columns for the named columns of <paramref name="table"/> (the model's inputs).</summary>
    public static IReadOnlyList<DataColumn> Columns(TabularData table, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(names);
        var columns = new List<DataColumn>();
        foreach (var name in names)
        {
            if (table.Find(name) is not { } column)
            {
                continue;
            }

            columns.Add(ToCore(column));
        }

        return columns;
    }

    /// <summary>One Keel.ML column as a Core column: numbers (NaN = missing), datetimes as dates, everything else as categories.</summary>
    public static DataColumn ToCore(DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Kind switch
        {
            ColumnKind.Numeric or ColumnKind.DateTime => column,
            _ => DataColumn.Text(column.Name, column.Texts!),
        };
    }

    /// <summary>Profiles the model's input columns of the training split and writes the profile into the package.</summary>
    public static async Task<DataProfile> WriteAsync(string packageDirectory, TabularData training, IEnumerable<string> inputs, CancellationToken cancellationToken = default)
    {
        var profile = DataProfiler.Profile(Columns(training, inputs));
        await File.WriteAllBytesAsync(Path.Combine(packageDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(profile, KeelJson.Options), cancellationToken).ConfigureAwait(false);
        return profile;
    }

    /// <summary>The package's training profile, or null when the package has none (packages from before it was written).</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the file is a link, too large or malformed.</exception>
    public static async Task<DataProfile?> ReadAsync(string packageDirectory, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(Path.Combine(packageDirectory, FileName));
        if (!info.Exists)
        {
            return null;
        }

        if (info.LinkTarget is not null || info.Length > MaxBytes)
        {
            throw KeelException.InvalidParameter($"Invalid model package: {FileName} is a link or larger than {MaxBytes} bytes.");
        }

        try
        {
            var bytes = await File.ReadAllBytesAsync(info.FullName, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<DataProfile>(bytes, KeelJson.Options)
                ?? throw KeelException.InvalidParameter($"Invalid model package: {FileName} is empty.");
        }
        catch (JsonException error)
        {
            throw KeelException.InvalidParameter($"Invalid model package: {FileName}: {error.Message}");
        }
    }
}
