using System.Text.Json;
using Keel.Core.Errors;

namespace Keel.Core.Models;

/// <summary>What <see cref="ModelPackage.ReadAsync"/> found in a package directory.</summary>
/// <param name="Metadata">The validated descriptor.</param>
/// <param name="ModelZipPath">The full path of <c>model.zip</c> (a regular file, not a link).</param>
/// <param name="InputExample">The input example, detached from its document (no disposal needed).</param>
public sealed record ModelPackageContents(ModelMetadata Metadata, string ModelZipPath, JsonElement InputExample);

/// <summary>
/// The Keel model package: a directory holding <c>model.zip</c> (the ML.NET model),
/// <c>keel-model.json</c> (<see cref="ModelMetadata"/>) and <c>input_example.json</c>.
/// Written by training, read by serving. Reading never instantiates a type named by a file:
/// the descriptor is mapped by hand onto fixed records, and the model zip is only located.
/// </summary>
/// <remarks>The format is documented in <c>docs/model-package.md</c>.</remarks>
public static class ModelPackage
{
    /// <summary>The ML.NET model file.</summary>
    public const string ModelFileName = "model.zip";

    /// <summary>The descriptor file.</summary>
    public const string MetadataFileName = "keel-model.json";

    /// <summary>The input example file.</summary>
    public const string InputExampleFileName = "input_example.json";

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = ModelPackageLimits.MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Writes a package into <paramref name="directory"/> (created when missing; files already there
    /// are replaced). Everything is validated before the first byte is written.
    /// </summary>
    /// <param name="directory">The package directory.</param>
    /// <param name="metadata">The descriptor; must pass the same checks reading applies.</param>
    /// <param name="modelZip">The ML.NET model, copied from its current position.</param>
    /// <param name="inputExampleJson">The input example as JSON text (an object or an array).</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem.</exception>
    public static async Task WriteAsync(
        string directory,
        ModelMetadata metadata,
        Stream modelZip,
        string inputExampleJson,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(modelZip);
        ArgumentNullException.ThrowIfNull(inputExampleJson);

        var problems = new PackageProblems();
        ModelMetadataValidator.Collect(metadata, problems);
        var exampleBytes = System.Text.Encoding.UTF8.GetBytes(inputExampleJson);
        CheckInputExample(exampleBytes, problems);
        var descriptor = problems.Count == 0 ? ModelMetadataJson.Write(metadata) : [];
        if (descriptor.Length > ModelPackageLimits.MaxDescriptorBytes)
        {
            problems.Add(MetadataFileName, $"would be {descriptor.Length} bytes; at most {ModelPackageLimits.MaxDescriptorBytes} are allowed");
        }

        problems.ThrowIfAny("model package");

        Directory.CreateDirectory(directory);
        var modelPath = Path.Combine(directory, ModelFileName);
        var stream = new FileStream(modelPath, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await modelZip.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllBytesAsync(Path.Combine(directory, InputExampleFileName), exampleBytes, cancellationToken).ConfigureAwait(false);

        // The descriptor goes last: a package with a descriptor is a complete package.
        await File.WriteAllBytesAsync(Path.Combine(directory, MetadataFileName), descriptor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads and validates the package in <paramref name="directory"/>. Every problem (missing
    /// files, oversized files, bad JSON, missing or mistyped fields, unknown format version, types
    /// outside the fixed set, empty names) is reported at once.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem.</exception>
    public static async Task<ModelPackageContents> ReadAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var problems = new PackageProblems();
        if (!Directory.Exists(directory))
        {
            problems.Add("directory", "does not exist");
            problems.ThrowIfAny("model package");
        }

        var modelPath = Path.GetFullPath(Path.Combine(directory, ModelFileName));
        ThrowIfMlflowModel(directory, modelPath);
        CheckRegularFile(modelPath, ModelFileName, long.MaxValue, problems);
        var descriptorBytes = await ReadBoundedAsync(directory, MetadataFileName, ModelPackageLimits.MaxDescriptorBytes, problems, cancellationToken).ConfigureAwait(false);
        var exampleBytes = await ReadBoundedAsync(directory, InputExampleFileName, ModelPackageLimits.MaxInputExampleBytes, problems, cancellationToken).ConfigureAwait(false);

        ModelMetadata? metadata = null;
        if (descriptorBytes is not null)
        {
            metadata = ParseDescriptor(descriptorBytes, problems);
        }

        JsonElement example = default;
        if (exampleBytes is not null)
        {
            example = CheckInputExample(exampleBytes, problems);
        }

        problems.ThrowIfAny("model package");
        return new ModelPackageContents(metadata!, modelPath, example);
    }

    /// <summary>
    /// Parses and validates a <c>keel-model.json</c> read from elsewhere (e.g. the artifact store,
    /// without downloading <c>model.zip</c>), with the same checks and size limit as <see cref="ReadAsync"/>.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem.</exception>
    public static ModelMetadata ReadMetadata(byte[] descriptorBytes)
    {
        ArgumentNullException.ThrowIfNull(descriptorBytes);
        var problems = new PackageProblems();
        ModelMetadata? metadata = null;
        if (descriptorBytes.Length > ModelPackageLimits.MaxDescriptorBytes)
        {
            problems.Add(MetadataFileName, $"is larger than {ModelPackageLimits.MaxDescriptorBytes} bytes");
        }
        else
        {
            metadata = ParseDescriptor(descriptorBytes, problems);
        }

        problems.ThrowIfAny("model package");
        return metadata!;
    }

    /// <summary>
    /// A folder holding an MLflow <c>MLmodel</c> file and no Keel package is an MLflow model (logged
    /// by <c>mlflow.sklearn.log_model</c>, <c>mlflow.pyfunc.log_model</c>, ...): say so, with its
    /// flavors, instead of reporting a missing <c>model.zip</c>.
    /// </summary>
    private static void ThrowIfMlflowModel(string directory, string modelPath)
    {
        var mlmodel = Path.Combine(directory, "MLmodel");
        if (File.Exists(modelPath) || File.Exists(Path.Combine(directory, MetadataFileName)) || !File.Exists(mlmodel))
        {
            return;
        }

        var flavors = MlflowFlavors(mlmodel);
        throw KeelException.InvalidParameter(
            $"This is an MLflow model ({(flavors.Count == 0 ? "an MLmodel file" : "flavors: " + string.Join(", ", flavors))}), not a Keel model package. " +
            $"Keel serves and validates Keel packages: {ModelFileName} (an ML.NET model) with {MetadataFileName}, as `keel train` registers them. " +
            "Serve an MLflow model with MLflow (`mlflow models serve -m models:/...`); Keel keeps it in the registry as any MLflow server does.");
    }

    /// <summary>
    /// The keys under <c>flavors:</c> in an MLmodel file (YAML), read line by line: the top-level
    /// <c>flavors:</c> key, then each key indented by exactly two spaces until the next top-level key.
    /// At most the first 64 KiB are read; nothing in the file is evaluated.
    /// </summary>
    internal static IReadOnlyList<string> MlflowFlavors(string path)
    {
        var flavors = new List<string>();
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[Math.Min(stream.Length, 64 * 1024)];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var inFlavors = false;
            foreach (var line in System.Text.Encoding.UTF8.GetString(buffer, 0, read).Split('\n'))
            {
                var text = line.TrimEnd('\r');
                if (text.Length == 0 || text[0] == '#')
                {
                    continue;
                }

                if (text[0] != ' ')
                {
                    inFlavors = text.StartsWith("flavors:", StringComparison.Ordinal);
                    continue;
                }

                if (inFlavors && text.Length > 2 && text[1] == ' ' && text[2] != ' ' && text.IndexOf(':', StringComparison.Ordinal) is var colon and > 2)
                {
                    flavors.Add(text[2..colon].Trim());
                }
            }
        }
        catch (IOException)
        {
            // The flavors only make the message clearer; without them it still says what the folder is.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }

        return flavors;
    }

    private static ModelMetadata? ParseDescriptor(byte[] bytes, PackageProblems problems)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, DocumentOptions);
            var metadata = ModelMetadataJson.Read(document.RootElement, problems);
            if (metadata is not null)
            {
                ModelMetadataValidator.Collect(metadata, problems);
            }

            return metadata;
        }
        catch (JsonException error)
        {
            problems.Add(MetadataFileName, $"is not valid JSON ({error.Message})");
            return null;
        }
    }

    private static JsonElement CheckInputExample(byte[] bytes, PackageProblems problems)
    {
        if (bytes.Length > ModelPackageLimits.MaxInputExampleBytes)
        {
            problems.Add(InputExampleFileName, $"is {bytes.Length} bytes; at most {ModelPackageLimits.MaxInputExampleBytes} are allowed");
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, DocumentOptions);
            if (document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                problems.Add(InputExampleFileName, "must hold a JSON object or array");
                return default;
            }

            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            problems.Add(InputExampleFileName, $"is not valid JSON ({error.Message})");
            return default;
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(
        string directory, string fileName, int maxBytes, PackageProblems problems, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, fileName);
        if (!CheckRegularFile(path, fileName, maxBytes, problems))
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);

        // Editors on Windows like to start UTF-8 files with a byte order mark; JSON does not allow one.
        return bytes.AsSpan().StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;
    }

    private static bool CheckRegularFile(string path, string fileName, long maxBytes, PackageProblems problems)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            problems.Add(fileName, "is missing");
            return false;
        }

        // A link could point anywhere on the host (/etc/shadow, another tenant's model).
        if (info.LinkTarget is not null)
        {
            problems.Add(fileName, "must be a regular file, not a link");
            return false;
        }

        if (info.Length > maxBytes)
        {
            problems.Add(fileName, $"is {info.Length} bytes; at most {maxBytes} are allowed");
            return false;
        }

        return true;
    }
}
