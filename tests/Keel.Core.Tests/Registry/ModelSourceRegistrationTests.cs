using System.Reflection;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

/// <summary>
/// What the registry stores as a version's source (MLflow's <c>_validate_source_run</c>): sources
/// inside Keel's store in canonical form, and — as metadata the server never reads — a local path
/// inside the run's own artifact location or an external object-store / web URI.
/// </summary>
public sealed class ModelSourceRegistrationTests
{
    private const string Root = "/srv/keel/artifacts";
    private const string RunId = "0123456789abcdef0123456789abcdef";
    private const string OtherRun = "fedcba9876543210fedcba9876543210";
    private const string RunLocation = "/data/team-mlruns/7/" + RunId + "/artifacts";

    private static string? Runs(string id) => id switch
    {
        RunId => RunLocation,
        OtherRun => "s3://team-bucket/mlruns/7/" + OtherRun + "/artifacts",
        _ => null,
    };

    private static ModelSource Register(string? source, string? runId = null) =>
        ModelSourceValidator.ValidateRegistration(source, runId, Root, Runs);

    private static KeelException Refused(string? source, string? runId = null)
    {
        var error = Assert.Throws<KeelException>(() => Register(source, runId));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error;
    }

    [Theory]
    [InlineData("runs:/" + RunId + "/model", "runs:/" + RunId + "/model")]
    [InlineData("mlflow-artifacts:/1/x/", "mlflow-artifacts:/1/x")]
    [InlineData("/srv/keel/artifacts/1/model", "mlflow-artifacts:/1/model")]
    [InlineData("models:/churn/production", "models:/churn/Production")]
    public void SourceInsideTheStore_IsStoredCanonical_AndMarkedInStore(string source, string expected)
    {
        var stored = Register(source, RunId);
        Assert.Equal(expected, stored.Value);
        Assert.True(stored.InStore);
    }

    [Theory]
    [InlineData(RunLocation + "/model")]
    [InlineData(RunLocation)]
    [InlineData("file://" + RunLocation + "/model")]
    [InlineData("file:" + RunLocation + "/model")]
    public void LocalPathInsideTheRunsOwnArtifactLocation_IsStoredAsGiven(string source)
    {
        var stored = Register(source, RunId);
        Assert.Equal(source, stored.Value);
        Assert.False(stored.InStore);
    }

    [Theory]
    [InlineData("s3://team-bucket/mlruns/7/" + OtherRun + "/artifacts/model")]
    [InlineData("s3://bucket/models/churn")]
    [InlineData("gs://bucket/models/churn")]
    [InlineData("https://models.example.com/churn/model")]
    [InlineData("http://minio.internal:9000/models/churn")]
    [InlineData("wasbs://container@account.blob.core.windows.net/model")]
    [InlineData("S3://Bucket/Model")]
    public void ExternalUri_IsStoredAsGiven_WithOrWithoutARun(string source)
    {
        Assert.Equal(new ModelSource(source, InStore: false), Register(source));
        Assert.Equal(new ModelSource(source, InStore: false), Register(source, OtherRun));
    }

    [Theory]
    [InlineData("http://user:password@minio.internal:9000/models/churn")]
    [InlineData("https://token@models.example.com/churn")]
    [InlineData("s3://key:secret@bucket/models/churn")]
    public void ExternalUri_WithCredentials_IsRefused(string source) =>
        Assert.Contains("credentials", Refused(source).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("/data/team-mlruns/7/" + RunId + "/other")]
    [InlineData("/data/team-mlruns/7/" + RunId + "/artifacts-evil/model")]
    [InlineData("/data/team-mlruns/7")]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    public void LocalPathOutsideBothTheStoreAndTheRunsLocation_IsRefused(string source)
    {
        var error = Refused(source, RunId);
        Assert.Contains("artifact location of the run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalPath_WithoutARunOrWithARunElsewhere_IsRefused()
    {
        Assert.Contains("no run_id", Refused(RunLocation + "/model").Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Refused(RunLocation + "/model", "00000000000000000000000000000000").Message, StringComparison.Ordinal);

        // The other run lives in s3: its location is no licence for a local path.
        Refused("/data/team-mlruns/7/" + OtherRun + "/artifacts/model", OtherRun);
    }

    [Theory]
    [InlineData(RunLocation + "/../../../../etc/passwd")]
    [InlineData(RunLocation + "/./model")]
    [InlineData(RunLocation + "//model")]
    [InlineData(RunLocation + "/%2e%2e/%2e%2e/etc")]
    [InlineData(RunLocation + "/model%00")]
    [InlineData(RunLocation + "\\..\\..\\etc")]
    [InlineData("file://" + RunLocation + "/%2e%2e/x")]
    [InlineData("file://host" + RunLocation + "/model")]
    [InlineData(RunLocation + "/model#/../../etc")]
    [InlineData(RunLocation + "/model?x=/../../etc")]
    public void TraversalInsideTheRunsLocation_IsRefused(string source) => Refused(source, RunId);

    [Theory]
    [InlineData("s3://bucket/models/../secrets")]
    [InlineData("s3://bucket/models/./x")]
    [InlineData("s3://bucket//models")]
    [InlineData("s3://bucket/a/%2e%2e/%2e%2e/x")]
    [InlineData("s3://bucket/a/%252e%252e/x")]
    [InlineData("s3://bucket/a%2f..%2fx")]
    [InlineData("https://host/api/2.0/mlflow-artifacts/artifacts/../../../../etc")]
    [InlineData("https://host/model?x=1")]
    [InlineData("https://host/model#frag")]
    [InlineData("https:///model")]
    [InlineData("https:/host/model")]
    [InlineData("s3:bucket/model")]
    [InlineData("ftp://evil/model")]
    [InlineData("dbfs:/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("C:/Windows/system.ini")]
    [InlineData(" s3://bucket/model")]
    [InlineData("s3://bucket/model\n")]
    public void UnsafeOrUnknownExternalUri_IsRefused(string source) => Refused(source);

    [Fact]
    public void RunsSourceNamingAnotherRunThanRunId_IsRefused()
    {
        var error = Refused("runs:/" + OtherRun + "/model", RunId);
        Assert.Contains("run_id", error.Message, StringComparison.Ordinal);
        Assert.Equal("runs:/" + RunId + "/model", Register("runs:/" + RunId + "/model", RunId).Value);
    }

    [Fact]
    public void Refusal_OfAnInStoreFormKeepsTheInStoreReason()
    {
        var error = Refused("mlflow-artifacts:/../../etc");
        Assert.Contains("Invalid model version source", error.Message, StringComparison.Ordinal);
    }

    // CVE-2026-2614's class: the registration rule's inputs are the source, the run id, the store root
    // and the store's own record of the run; nothing a caller tags or flags can switch it off.
    [Fact]
    public void Registration_HasNoCallerControlledBypass()
    {
        var method = Assert.Single(typeof(ModelSourceValidator).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly),
            m => m.Name == nameof(ModelSourceValidator.ValidateRegistration));
        Assert.Equal([typeof(string), typeof(string), typeof(string), typeof(Func<string, string?>)], method.GetParameters().Select(p => p.ParameterType));
    }

    // CVE-2023-6018's class: a remote source is only metadata. Registering it is accepted, reading it
    // through Keel is refused (StoreLocation), so an attacker's server is never contacted.
    [Theory]
    [InlineData("http://attacker:4444/api/2.0/mlflow-artifacts/artifacts/")]
    [InlineData("https://attacker/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("s3://attacker-bucket/model")]
    public void Cve2023_6018_RemoteSource_IsMetadataThatNoReadPathFollows(string source)
    {
        Assert.False(Register(source).InStore);
        var error = Assert.Throws<KeelException>(() => StoreLocation.ToStorePath(source, "file://" + Root, "Model version 'm' 1"));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("outside Keel's artifact store", error.Message, StringComparison.Ordinal);
        Assert.Contains("never reads", error.Message, StringComparison.Ordinal);
    }
}
