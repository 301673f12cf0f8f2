using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

/// <summary>Writing and reading packages: round trip, files, limits.</summary>
public sealed class ModelPackageTests : ModelPackageTestBase
{
    [Fact]
    public async Task WriteThenRead_RoundTripsEveryField()
    {
        var sample = Sample();
        await WriteSampleAsync(sample);

        var read = await ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken);
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

        Assert.Equal(Path.GetFullPath(Dir.File(ModelPackage.ModelFileName)), read.ModelZipPath);
        Assert.Equal([0x50, 0x4b, 0x03, 0x04, 1, 2, 3], await File.ReadAllBytesAsync(read.ModelZipPath, TestContext.Current.CancellationToken));
        Assert.Equal(41, read.InputExample.GetProperty("dataframe_split").GetProperty("data")[0][0].GetInt32());
    }

    [Fact]
    public async Task Write_DescriptorUsesSnakeCaseNamesForEverySpecificationField()
    {
        await WriteSampleAsync();
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken));
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

        var metadata = (await ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken)).Metadata;

        Assert.Equal(ModelStage.Development, metadata.Stage);
        Assert.Null(metadata.TrainingDataHash);
        Assert.Empty(metadata.Hyperparameters);
        Assert.Empty(metadata.TrainingMetrics);
        Assert.Empty(metadata.Dependencies);
        Assert.Empty(metadata.DataSchema);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), metadata.CreatedAt);
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
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(Dir.File("nowhere"), TestContext.Current.CancellationToken));
        Assert.Contains("directory: does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OversizedFiles_AreRefusedBeforeParsing()
    {
        await WriteSampleAsync();
        var padding = new string(' ', ModelPackageLimits.MaxDescriptorBytes);
        Dir.Write(ModelPackage.MetadataFileName, padding + await File.ReadAllTextAsync(Dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken));
        Dir.Write(ModelPackage.InputExampleFileName, "[" + padding + "]");

        var error = await ReadRefusedAsync();

        Assert.Contains($"keel-model.json: is {new FileInfo(Dir.File(ModelPackage.MetadataFileName)).Length} bytes; at most {ModelPackageLimits.MaxDescriptorBytes}", error.Message, StringComparison.Ordinal);
        Assert.Contains("input_example.json: is", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {ModelPackageLimits.MaxInputExampleBytes} are allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DescriptorJustUnderTheLimit_IsAccepted()
    {
        await WriteSampleAsync();
        var text = await File.ReadAllTextAsync(Dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken);
        Dir.Write(ModelPackage.MetadataFileName, text + new string('\n', ModelPackageLimits.MaxDescriptorBytes - Encoding.UTF8.GetByteCount(text)));

        var read = await ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken);

        Assert.Equal("churn", read.Metadata.Name);
    }

    [Fact]
    public async Task Read_DeeplyNestedInputExample_IsRefused()
    {
        await WriteSampleAsync();
        Dir.Write(ModelPackage.InputExampleFileName, new string('[', 200) + new string(']', 200));
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
        Dir.Write(ModelPackage.InputExampleFileName, text);
        var error = await ReadRefusedAsync();
        Assert.Contains("input_example.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_LinkedModelZip_IsRefused()
    {
        await WriteSampleAsync();
        var outside = Dir.File("elsewhere.bin");
        await File.WriteAllBytesAsync(outside, [1, 2, 3], TestContext.Current.CancellationToken);
        File.Delete(Dir.File(ModelPackage.ModelFileName));
        File.CreateSymbolicLink(Dir.File(ModelPackage.ModelFileName), outside);

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
        var target = Dir.File("out");

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
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.WriteAsync(Dir.Path, Sample(), zip, example, TestContext.Current.CancellationToken));
        Assert.Contains("input_example.json", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Dir.File(ModelPackage.MetadataFileName)));
    }

    [Fact]
    public async Task Read_FilesWithAByteOrderMark_AreAccepted()
    {
        await WriteSampleAsync();
        foreach (var name in new[] { ModelPackage.MetadataFileName, ModelPackage.InputExampleFileName })
        {
            var text = await File.ReadAllTextAsync(Dir.File(name), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Dir.File(name), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), TestContext.Current.CancellationToken);
        }

        var read = await ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken);

        Assert.Equal("churn", read.Metadata.Name);
        Assert.Equal(JsonValueKind.Object, read.InputExample.ValueKind);
    }

    [Fact]
    public async Task Write_OverAnExistingPackage_ReplacesIt()
    {
        await WriteSampleAsync();
        await WriteSampleAsync(Sample() with { Version = "4" });
        Assert.Equal("4", (await ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken)).Metadata.Version);
    }
}
