using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

/// <summary>Reading never instantiates a type named by the file: <c>$type</c> and .NET type names stay data or are refused.</summary>
public sealed class ModelPackageTypeSafetyTests : ModelPackageTestBase
{
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

        var metadata = (await ModelPackage.ReadAsync(Dir.Path, TestContext.Current.CancellationToken)).Metadata;

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
}
