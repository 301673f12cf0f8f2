using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

/// <summary>Shared fixture and helpers of the model package tests: a fresh directory per test.</summary>
public abstract class ModelPackageTestBase : IDisposable
{
    protected const string Example = """{"dataframe_split": {"columns": ["age", "income"], "data": [[41, 52000.5]]}}""";
    private protected PackageDirectory Dir { get; } = new();

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

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

    protected async Task WriteSampleAsync(ModelMetadata? metadata = null)
    {
        using var zip = new MemoryStream([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
        await ModelPackage.WriteAsync(Dir.Path, metadata ?? Sample(), zip, Example, TestContext.Current.CancellationToken);
    }

    protected void WriteDescriptor(string json)
    {
        Dir.Write(ModelPackage.ModelFileName, "zip");
        Dir.Write(ModelPackage.InputExampleFileName, Example);
        Dir.Write(ModelPackage.MetadataFileName, json);
    }

    protected async Task<KeelException> ReadRefusedAsync()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error;
    }

    /// <summary>The sample descriptor as a mutable JSON object, for tests that break one thing.</summary>
    protected static Dictionary<string, object?> SampleJson()
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

    protected static string Json(Dictionary<string, object?> root) => JsonSerializer.Serialize(root);

    protected static Dictionary<string, object?> Column(string name, string type) => new() { ["name"] = name, ["type"] = type };

    protected static Dictionary<string, object?> SignatureJson(params object[] inputs) =>
        new() { ["inputs"] = inputs, ["outputs"] = new object[] { Column("y", "float") } };

    /// <summary>Writes the sample descriptor with one field replaced and returns the refusal's message.</summary>
    protected async Task<string> RefusedWithAsync(string field, object? value)
    {
        var json = SampleJson();
        json[field] = value;
        WriteDescriptor(Json(json));
        return (await ReadRefusedAsync()).Message;
    }
}
