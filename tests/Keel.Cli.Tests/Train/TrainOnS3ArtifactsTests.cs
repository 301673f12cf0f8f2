using Keel.Cli.Tests.Infrastructure;
using Keel.Tests.Shared;

namespace Keel.Cli.Tests.Train;

/// <summary>
/// The CLI on a local store whose artifact root is an S3 bucket (<c>--artifacts-uri s3://...</c>): the
/// endpoint and credentials come from the environment (<c>MLFLOW_S3_ENDPOINT_URL</c>, <c>AWS_*</c>), as MLflow reads them.
/// </summary>
public sealed class TrainOnS3ArtifactsTests(S3TestServer s3) : IClassFixture<S3TestServer>, IDisposable
{
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    [Fact]
    public async Task Train_LocalStoreWithS3ArtifactRoot_WritesTheModelIntoTheBucket_AndRegistersIt()
    {
        s3.Require();
        var bucket = await s3.CreateBucketAsync();
        var name = KeelServerFixture.UniqueName("train-s3");
        var pipeline = _pipelines.Write(name, name);
        var database = Path.Combine(_pipelines.Directory, "store", "keel.db");
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_S3_ENDPOINT_URL"] = s3.EndpointUrl,
            ["AWS_ACCESS_KEY_ID"] = S3TestServer.Credentials.GetCredentials().AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3TestServer.Credentials.GetCredentials().SecretKey,
        };

        var result = await CliRun.RunAsync(["train", pipeline, "--backend-store-uri", "sqlite:///" + database, "--artifacts-uri", $"s3://{bucket}/team/keel", "--json"], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var runId = json.GetProperty("run_id").GetString()!;
        var experimentId = json.GetProperty("experiment_id").GetString()!;
        Assert.Contains($"team/keel/{experimentId}/{runId}/artifacts/model/model.zip", await s3.KeysAsync(bucket));
    }

    [Fact]
    public async Task Train_BadS3ArtifactUri_IsAUsageErrorNamingIt()
    {
        var pipeline = _pipelines.Write("bad-s3", "bad-s3");

        var result = await CliRun.RunAsync(["train", pipeline, "--backend-store-uri", "sqlite:///" + Path.Combine(_pipelines.Directory, "keel.db"), "--artifacts-uri", "s3://Bad_Bucket/x"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Bad_Bucket", result.Error, StringComparison.Ordinal);
    }
}
