using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

/// <summary>A folder holding an MLflow model (an MLmodel file, no Keel package) is named as such.</summary>
public sealed class MlflowModelTests : IDisposable
{
    // The MLmodel file mlflow.sklearn.log_model writes (MLflow 2.12), shortened.
    private const string SklearnMlmodel = """
        artifact_path: model
        flavors:
          python_function:
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.sklearn
            model_path: model.pkl
            predict_fn: predict
            python_version: 3.11.7
          sklearn:
            code: null
            pickled_model: model.pkl
            serialization_format: cloudpickle
            sklearn_version: 1.4.2
        mlflow_version: 2.12.1
        model_uuid: 4b1d6c1e0e7a4c4f9a3d2b1c0d9e8f7a
        run_id: 0123456789abcdef0123456789abcdef
        utc_time_created: '2024-05-01 10:00:00.000000'
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("keel-mlflow-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ReadAsync_MlflowSklearnModel_SaysItIsAnMlflowModelWithItsFlavors_AndWhatKeelServes()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "MLmodel"), SklearnMlmodel, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "model.pkl"), [0x80, 0x04], TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(_folder, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("This is an MLflow model (flavors: python_function, sklearn), not a Keel model package.", e.Message, StringComparison.Ordinal);
        Assert.Contains("model.zip (an ML.NET model) with keel-model.json", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("missing", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReadAsync_MlmodelWithoutFlavors_StillSaysMlflowModel()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "MLmodel"), "artifact_path: model\nmlflow_version: 2.12.1\n", TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(_folder, TestContext.Current.CancellationToken));

        Assert.StartsWith("This is an MLflow model (an MLmodel file)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyFolder_StillReportsTheMissingPackageFiles()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => ModelPackage.ReadAsync(_folder, TestContext.Current.CancellationToken));

        Assert.Contains("model.zip", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MLflow model", e.Message, StringComparison.Ordinal);
    }
}
