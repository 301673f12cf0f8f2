using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

public sealed class ModelPackageTests : IDisposable
{
    private const string Example = """{"dataframe_split": {"columns": ["age", "income"], "data": [[41, 52000.5]]}}""";
    private readonly PackageDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static ModelMetadata Sample() => new()
    {
        Id = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f",
        Name = "churn",
        Version = "3",
        Algorithm = "FastTree",
        Framework = "ML.NET",
        CreatedAt = new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.FromHours(1)),
        CreatedBy = "alice",
        Stage = ModelStage.Staging,
        TrainingDataHash = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        Hyperparameters = new Dictionary<string, ScalarValue>
        {
            ["learning_rate"] = 0.2,
            ["number_of_trees"] = 100d,
            ["objective"] = "binary",
            ["use_bagging"] = false,
        },
        TrainingMetrics = new Dictionary<string, double> { ["auc"] = 0.97, ["log_loss"] = 0.21 },
        ValidationMetrics = new Dictionary<string, double> { ["auc"] = 0.95 },
        DeploymentConfig = new Dictionary<string, ScalarValue> { ["strategy"] = "canary", ["replicas"] = 2d },
        ResourceRequirements = new Dictionary<string, ScalarValue> { ["cpu"] = "500m", ["memory_mb"] = 512d },
        Dependencies = ["Microsoft.ML 5.0.1", "Microsoft.ML.FastTree 5.0.1"],
        PerformanceThresholds = new Dictionary<string, double> { ["auc"] = 0.9 },
        DataSchema = new Dictionary<string, ColumnType>
        {
            ["age"] = ColumnType.Double,
            ["income"] = ColumnType.Float,
            ["signup"] = ColumnType.DateTime,
            ["churned"] = ColumnType.Boolean,
        },
        Signature = new ModelSignature(
            [new ColumnSpec("age", ColumnType.Double), new ColumnSpec("income", ColumnType.Float)],
            [new ColumnSpec("score", ColumnType.Float), new ColumnSpec("predicted_label", ColumnType.Boolean)]),
    };

    private async Task WriteSampleAsync(ModelMetadata? metadata = null)
    {
        using var zip = new MemoryStream([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
        await ModelPackage.WriteAsync(_dir.Path, metadata ?? Sample(), zip, Example, TestContext.Current.CancellationToken);
    }

    private void WriteDescriptor(string json)
    {
        _dir.Write(ModelPackage.ModelFileName, "zip");
        _dir.Write(ModelPackage.InputExampleFileName, Example);
        _dir.Write(ModelPackage.MetadataFileName, json);
    }

    private async Task<KeelException> ReadRefusedAsync()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error;
    }

    /// <summary>The sample descriptor as a mutable JSON object, for tests that break one thing.</summary>
    private static Dictionary<string, object?> SampleJson()
    {
        using var document = JsonDocument.Parse(ModelMetadataJsonText());
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
    }

    private static string ModelMetadataJsonText()
    {
        using var dir = new PackageDirectory();
        using var zip = new MemoryStream([1]);
        ModelPackage.WriteAsync(dir.Path, Sample(), zip, Example).GetAwaiter().GetResult();
        return File.ReadAllText(dir.File(ModelPackage.MetadataFileName));
    }

    private static string Json(Dictionary<string, object?> root) => JsonSerializer.Serialize(root);

    private static Dictionary<string, object?> Column(string name, string type) => new() { ["name"] = name, ["type"] = type };

    private static Dictionary<string, object?> SignatureJson(params object[] inputs) =>
        new() { ["inputs"] = inputs, ["outputs"] = new object[] { Column("y", "float") } };

    /// <summary>Writes the sample descriptor with one field replaced and returns the refusal's message.</summary>
    private async Task<string> RefusedWithAsync(string field, object? value)
    {
        var json = SampleJson();
        json[field] = value;
        WriteDescriptor(Json(json));
        return (await ReadRefusedAsync()).Message;
    }

    [Fact]
    public async Task WriteThenRead_RoundTripsEveryField()
    {
        var sample = Sample();
        await WriteSampleAsync(sample);

        var read = await ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken);
        var metadata = read.Metadata;

        Assert.Equal(ModelMetadata.CurrentFormatVersion, metadata.FormatVersion);
        Assert.Equal(ModelMetadata.CurrentKeelVersion, metadata.KeelVersion);
        Assert.Equal(sample.Id, metadata.Id);
        Assert.Equal(sample.Name, metadata.Name);
        Assert.Equal(sample.Version, metadata.Version);
        Assert.Equal(sample.Algorithm, metadata.Algorithm);
        Assert.Equal(sample.Framework, metadata.Framework);
        Assert.Equal(sample.CreatedAt, metadata.CreatedAt);
        Assert.Equal(sample.CreatedAt.Offset, metadata.CreatedAt.Offset);
        Assert.Equal(sample.CreatedBy, metadata.CreatedBy);
        Assert.Equal(ModelStage.Staging, metadata.Stage);
        Assert.Equal(sample.TrainingDataHash, metadata.TrainingDataHash);
        Assert.Equal(sample.Hyperparameters, metadata.Hyperparameters);
        Assert.Equal(ScalarKind.Boolean, metadata.Hyperparameters["use_bagging"].Kind);
        Assert.Equal(ScalarKind.Number, metadata.Hyperparameters["number_of_trees"].Kind);
        Assert.Equal(sample.TrainingMetrics, metadata.TrainingMetrics);
        Assert.Equal(sample.ValidationMetrics, metadata.ValidationMetrics);
        Assert.Equal(sample.DeploymentConfig, metadata.DeploymentConfig);
        Assert.Equal(sample.ResourceRequirements, metadata.ResourceRequirements);
        Assert.Equal(sample.Dependencies, metadata.Dependencies);
        Assert.Equal(sample.PerformanceThresholds, metadata.PerformanceThresholds);
        Assert.Equal(sample.DataSchema, metadata.DataSchema);
        Assert.Equal(sample.Signature.Inputs, metadata.Signature.Inputs);
        Assert.Equal(sample.Signature.Outputs, metadata.Signature.Outputs);

        Assert.Equal(Path.GetFullPath(_dir.File(ModelPackage.ModelFileName)), read.ModelZipPath);
        Assert.Equal([0x50, 0x4b, 0x03, 0x04, 1, 2, 3], await File.ReadAllBytesAsync(read.ModelZipPath, TestContext.Current.CancellationToken));
        Assert.Equal(41, read.InputExample.GetProperty("dataframe_split").GetProperty("data")[0][0].GetInt32());
    }

    [Fact]
    public async Task Write_DescriptorUsesSnakeCaseNamesForEverySpecificationField()
    {
        await WriteSampleAsync();
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(_dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken));
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(
            [
                "format_version", "keel_version", "id", "name", "version", "algorithm", "framework", "created_at",
                "created_by", "stage", "training_data_hash", "hyperparameters", "training_metrics",
                "validation_metrics", "deployment_config", "resource_requirements", "dependencies",
                "performance_thresholds", "data_schema", "signature",
            ],
            names);
        Assert.Equal("staging", document.RootElement.GetProperty("stage").GetString());
        Assert.Equal("2026-11-26T18:00:00+01:00", document.RootElement.GetProperty("created_at").GetString());
        Assert.Equal("datetime", document.RootElement.GetProperty("data_schema").GetProperty("signup").GetString());
        var firstInput = document.RootElement.GetProperty("signature").GetProperty("inputs")[0];
        Assert.Equal("age", firstInput.GetProperty("name").GetString());
        Assert.Equal("double", firstInput.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Read_OptionalFieldsLeftOut_GetDefaults()
    {
        WriteDescriptor("""
            {"format_version": 1, "keel_version": "0.1.0", "id": "m1", "name": "churn", "version": "1",
             "algorithm": "Sdca", "framework": "ML.NET", "created_at": "2026-01-02T03:04:05Z", "created_by": "ci",
             "training_data_hash": null,
             "signature": {"inputs": [{"name": "x", "type": "double"}], "outputs": [{"name": "y", "type": "float"}]}}
            """);

        var metadata = (await ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken)).Metadata;

        Assert.Equal(ModelStage.Development, metadata.Stage);
        Assert.Null(metadata.TrainingDataHash);
        Assert.Empty(metadata.Hyperparameters);
        Assert.Empty(metadata.TrainingMetrics);
        Assert.Empty(metadata.Dependencies);
        Assert.Empty(metadata.DataSchema);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), metadata.CreatedAt);
    }

    [Fact]
    public async Task Read_ManyProblems_AreReportedTogetherInOneError()
    {
        var json = SampleJson();
        json["name"] = "";
        json.Remove("created_at");
        json["stage"] = "prod";
        json["hyperparameters"] = new Dictionary<string, object?> { ["nested"] = new Dictionary<string, object?> { ["a"] = 1 } };
        json["training_metrics"] = new Dictionary<string, object?> { ["auc"] = "high" };
        json["data_schema"] = new Dictionary<string, object?> { ["age"] = "float64" };
        json["signature"] = new Dictionary<string, object?> { ["inputs"] = new[] { Column("", "double") }, ["outputs"] = Array.Empty<object>() };
        WriteDescriptor(Json(json));

        var error = await ReadRefusedAsync();

        Assert.Contains("name: is required and must not be empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("created_at: is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("stage: must be one of", error.Message, StringComparison.Ordinal);
        Assert.Contains("hyperparameters['nested']: must be a string, a number or a boolean", error.Message, StringComparison.Ordinal);
        Assert.Contains("training_metrics['auc']: must be a number", error.Message, StringComparison.Ordinal);
        Assert.Contains("data_schema['age']: type must be one of double, float, long, integer, boolean, string, datetime, binary", error.Message, StringComparison.Ordinal);
        Assert.Contains("signature.inputs[0].name: must not be empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("signature.outputs: must list at least one column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingRequiredFields_AreAllNamed()
    {
        WriteDescriptor("""{"format_version": 1}""");

        var error = await ReadRefusedAsync();

        foreach (var field in new[] { "keel_version", "id", "name", "version", "algorithm", "framework", "created_at", "created_by", "signature" })
        {
            Assert.Contains(field + ": is required", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("99")]
    public async Task Read_UnknownFormatVersion_IsRefused(string version)
    {
        var json = SampleJson();
        json["format_version"] = int.Parse(version, System.Globalization.CultureInfo.InvariantCulture);
        json["some_future_field"] = "x";
        WriteDescriptor(Json(json));

        var error = await ReadRefusedAsync();

        Assert.Contains($"unsupported format version {version}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("some_future_field", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("1.5")]
    [InlineData("null")]
    public async Task Read_FormatVersionNotAnInteger_IsRefused(string value)
    {
        WriteDescriptor(Json(SampleJson()).Replace("\"format_version\":1", "\"format_version\":" + value, StringComparison.Ordinal));
        var error = await ReadRefusedAsync();
        Assert.Contains("format_version: must be an integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DollarTypeAtTheRoot_IsRefusedNeverInstantiated()
    {
        var json = SampleJson();
        var ordered = new Dictionary<string, object?> { ["$type"] = "System.Diagnostics.Process, System.Diagnostics.Process" };
        foreach (var (key, value) in json)
        {
            ordered[key] = value;
        }

        WriteDescriptor(Json(ordered));

        var error = await ReadRefusedAsync();

        Assert.Contains("$type: unknown property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TypeNamesInsideScalarMaps_AreKeptAsPlainStrings()
    {
        const string processType = "System.Diagnostics.Process, System.Diagnostics.Process, Version=10.0.0.0";
        var json = SampleJson();
        json["hyperparameters"] = new Dictionary<string, object?> { ["$type"] = processType, ["assembly"] = "System.Private.CoreLib" };
        json["deployment_config"] = new Dictionary<string, object?> { ["$type"] = "System.IO.FileInfo", ["$id"] = "1", ["$ref"] = "1" };
        WriteDescriptor(Json(json));

        var metadata = (await ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken)).Metadata;

        Assert.Equal(ScalarKind.String, metadata.Hyperparameters["$type"].Kind);
        Assert.Equal(processType, metadata.Hyperparameters["$type"].AsString);
        Assert.Equal("System.IO.FileInfo", metadata.DeploymentConfig["$type"].AsString);
        Assert.Equal("1", metadata.DeploymentConfig["$ref"].AsString);
    }

    [Fact]
    public async Task Read_TypedObjectAsHyperparameterValue_IsRefused()
    {
        var message = await RefusedWithAsync("hyperparameters", new Dictionary<string, object?>
        {
            ["trainer"] = new Dictionary<string, object?> { ["$type"] = "System.Diagnostics.Process, System", ["StartInfo"] = new Dictionary<string, object?> { ["FileName"] = "/bin/sh" } },
            ["list"] = new[] { 1, 2 },
            ["nothing"] = null,
        });

        Assert.Contains("hyperparameters['trainer']: must be a string, a number or a boolean", message, StringComparison.Ordinal);
        Assert.Contains("hyperparameters['list']", message, StringComparison.Ordinal);
        Assert.Contains("hyperparameters['nothing']", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DollarTypeInASignatureColumn_IsRefused()
    {
        var typedColumn = Column("x", "double");
        typedColumn["$type"] = "System.Object";
        var signature = SignatureJson(typedColumn);
        signature["$type"] = "Keel.Core.Models.ModelSignature, Keel.Core";

        var message = await RefusedWithAsync("signature", signature);

        Assert.Contains("signature.$type: unknown property", message, StringComparison.Ordinal);
        Assert.Contains("signature.inputs[0].$type: unknown property", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.Double")]
    [InlineData("System.Double, System.Private.CoreLib")]
    [InlineData("Double")]
    [InlineData("float64")]
    [InlineData("int")]
    [InlineData("tensor")]
    [InlineData("")]
    public async Task Read_ColumnTypeOutsideTheFixedSet_IsRefused(string type)
    {
        var message = await RefusedWithAsync("signature", SignatureJson(Column("x", type)));
        Assert.Contains("signature.inputs[0].type: type must be one of", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DuplicateProperties_AreRefused()
    {
        WriteDescriptor(Json(SampleJson()).Replace("\"name\":\"churn\"", "\"name\":\"churn\",\"name\":\"other\"", StringComparison.Ordinal));
        var error = await ReadRefusedAsync();
        Assert.Contains("keel-model.json.name: duplicate property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DuplicateColumnNames_AreRefused()
    {
        var message = await RefusedWithAsync("signature", SignatureJson(Column("x", "double"), Column("x", "long")));
        Assert.Contains("duplicate column name 'x'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("1764180000")]
    [InlineData("\"26/11/2026\"")]
    public async Task Read_BadTimestamp_IsRefused(string value)
    {
        using var parsed = JsonDocument.Parse(value);
        var message = await RefusedWithAsync("created_at", parsed.RootElement.Clone());
        Assert.Contains("created_at: must be an ISO 8601 date and time", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"format_version\": 1,}")]
    [InlineData("// comment\n{}")]
    public async Task Read_DescriptorNotAJsonObject_IsRefused(string text)
    {
        WriteDescriptor(text);
        var error = await ReadRefusedAsync();
        Assert.Contains("keel-model.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingFiles_AreAllReported()
    {
        var error = await ReadRefusedAsync();
        Assert.Contains("model.zip: is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("keel-model.json: is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("input_example.json: is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingDirectory_IsRefused()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(_dir.File("nowhere"), TestContext.Current.CancellationToken));
        Assert.Contains("directory: does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OversizedFiles_AreRefusedBeforeParsing()
    {
        await WriteSampleAsync();
        var padding = new string(' ', ModelPackageLimits.MaxDescriptorBytes);
        _dir.Write(ModelPackage.MetadataFileName, padding + await File.ReadAllTextAsync(_dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken));
        _dir.Write(ModelPackage.InputExampleFileName, "[" + padding + "]");

        var error = await ReadRefusedAsync();

        Assert.Contains($"keel-model.json: is {new FileInfo(_dir.File(ModelPackage.MetadataFileName)).Length} bytes; at most {ModelPackageLimits.MaxDescriptorBytes}", error.Message, StringComparison.Ordinal);
        Assert.Contains("input_example.json: is", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {ModelPackageLimits.MaxInputExampleBytes} are allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DescriptorJustUnderTheLimit_IsAccepted()
    {
        await WriteSampleAsync();
        var text = await File.ReadAllTextAsync(_dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken);
        _dir.Write(ModelPackage.MetadataFileName, text + new string('\n', ModelPackageLimits.MaxDescriptorBytes - Encoding.UTF8.GetByteCount(text)));

        var read = await ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken);

        Assert.Equal("churn", read.Metadata.Name);
    }

    [Fact]
    public async Task Read_DeeplyNestedInputExample_IsRefused()
    {
        await WriteSampleAsync();
        _dir.Write(ModelPackage.InputExampleFileName, new string('[', 200) + new string(']', 200));
        var error = await ReadRefusedAsync();
        Assert.Contains("input_example.json: is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("not json")]
    public async Task Read_InputExampleNotAnObjectOrArray_IsRefused(string text)
    {
        await WriteSampleAsync();
        _dir.Write(ModelPackage.InputExampleFileName, text);
        var error = await ReadRefusedAsync();
        Assert.Contains("input_example.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_LinkedModelZip_IsRefused()
    {
        await WriteSampleAsync();
        var outside = _dir.File("elsewhere.bin");
        await File.WriteAllBytesAsync(outside, [1, 2, 3], TestContext.Current.CancellationToken);
        File.Delete(_dir.File(ModelPackage.ModelFileName));
        File.CreateSymbolicLink(_dir.File(ModelPackage.ModelFileName), outside);

        var error = await ReadRefusedAsync();

        Assert.Contains("model.zip: must be a regular file, not a link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_InvalidMetadata_ReportsEveryProblemAndWritesNothing()
    {
        var bad = Sample() with
        {
            Name = " ",
            CreatedBy = "",
            TrainingMetrics = new Dictionary<string, double> { ["auc"] = double.NaN },
            Hyperparameters = new Dictionary<string, ScalarValue> { [""] = 1d, ["inf"] = double.PositiveInfinity },
            Signature = new ModelSignature([new ColumnSpec("x", ColumnType.Double), new ColumnSpec("x", ColumnType.Long)], []),
            DataSchema = new Dictionary<string, ColumnType> { ["x"] = (ColumnType)42 },
            Stage = (ModelStage)9,
            FormatVersion = 2,
        };
        var target = _dir.File("out");

        using var zip = new MemoryStream([1]);
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.WriteAsync(target, bad, zip, "{\"a\": 1}", TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        foreach (var expected in new[]
                 {
                     "format_version: unsupported format version 2", "name: is required", "created_by: is required",
                     "stage: must be one of", "training_metrics['auc']: must be a finite number",
                     "hyperparameters['']: key must not be empty", "hyperparameters['inf']: must be a finite number",
                     "signature.inputs[1].name: duplicate column name 'x'", "signature.outputs: must list at least one column",
                     "data_schema['x']: type must be one of",
                 })
        {
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(target));
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("{broken")]
    public async Task Write_BadInputExample_IsRefused(string example)
    {
        using var zip = new MemoryStream([1]);
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.WriteAsync(_dir.Path, Sample(), zip, example, TestContext.Current.CancellationToken));
        Assert.Contains("input_example.json", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File(ModelPackage.MetadataFileName)));
    }

    [Fact]
    public async Task Read_FilesWithAByteOrderMark_AreAccepted()
    {
        await WriteSampleAsync();
        foreach (var name in new[] { ModelPackage.MetadataFileName, ModelPackage.InputExampleFileName })
        {
            var text = await File.ReadAllTextAsync(_dir.File(name), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(_dir.File(name), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), TestContext.Current.CancellationToken);
        }

        var read = await ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken);

        Assert.Equal("churn", read.Metadata.Name);
        Assert.Equal(JsonValueKind.Object, read.InputExample.ValueKind);
    }

    [Fact]
    public async Task Write_OverAnExistingPackage_ReplacesIt()
    {
        await WriteSampleAsync();
        await WriteSampleAsync(Sample() with { Version = "4" });
        Assert.Equal("4", (await ModelPackage.ReadAsync(_dir.Path, TestContext.Current.CancellationToken)).Metadata.Version);
    }
}
