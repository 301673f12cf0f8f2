using Keel.Core.Artifacts;
using Keel.Core.Errors;

namespace Keel.Core.Tests.Artifacts;

public sealed class ArtifactUrisTests
{
    [Fact]
    public void ForExperimentAndRun_UseMlflowArtifactsLayout()
    {
        var experiment = ArtifactUris.ForExperiment("7");
        Assert.Equal("mlflow-artifacts:/7", experiment);
        Assert.Equal("mlflow-artifacts:/7/0123abcd/artifacts", ArtifactUris.ForRun(experiment, "0123abcd"));
    }

    [Theory]
    [InlineData("mlflow-artifacts:/7", "7")]
    [InlineData("mlflow-artifacts:/7/0123abcd/artifacts", "7/0123abcd/artifacts")]
    [InlineData("mlflow-artifacts:///7/r/artifacts", "7/r/artifacts")]
    [InlineData("mlflow-artifacts://localhost:5000/7/r/artifacts", "7/r/artifacts")]
    [InlineData("mlflow-artifacts://host", "")]
    [InlineData("mlflow-artifacts:/", "")]
    [InlineData("MLFLOW-ARTIFACTS:/1/x", "1/x")]
    [InlineData("mlflow-artifacts:/1/my%20run", "1/my run")]
    public void ToRelativePath_ProxiedUri_MapsUnderRoot(string uri, string expected) =>
        Assert.Equal(expected, ArtifactUris.ToRelativePath(uri));

    [Theory]
    [InlineData("mlflow-artifacts:/../etc")]
    [InlineData("mlflow-artifacts:/1/../../etc")]
    [InlineData("mlflow-artifacts:/%2e%2e/etc")]
    [InlineData("mlflow-artifacts:/1%2f..%2f..")]
    [InlineData("mlflow-artifacts:/%252e%252e")]
    [InlineData("mlflow-artifacts:/1/x?y=1")]
    [InlineData("mlflow-artifacts:/1/x#frag")]
    [InlineData("mlflow-artifacts://h/..\\x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("s3://bucket/1")]
    [InlineData("/abs/path")]
    [InlineData("relative/path")]
    public void ToRelativePath_UnsafeOrForeignUri_ThrowsInvalidParameterValue(string uri)
    {
        var error = Assert.Throws<KeelException>(() => ArtifactUris.ToRelativePath(uri));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Theory]
    [InlineData("mlflow-artifacts:/1", true)]
    [InlineData("file:///x", false)]
    [InlineData(null, false)]
    public void IsProxied_ChecksScheme(string? uri, bool expected) =>
        Assert.Equal(expected, ArtifactUris.IsProxied(uri));
}
