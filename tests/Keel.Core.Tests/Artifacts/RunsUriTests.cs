using Keel.Core.Artifacts;

namespace Keel.Core.Tests.Artifacts;

public class RunsUriTests
{
    [Theory]
    [InlineData("runs:/abc/model", "abc", "model")]
    [InlineData("runs:/abc/model/sub/", "abc", "model/sub")]
    [InlineData("runs:/abc", "abc", "")]
    [InlineData("runs:/abc/", "abc", "")]
    public void TryParse_SplitsRunAndPath(string uri, string runId, string path) =>
        Assert.Equal(new RunsUri(runId, path), RunsUri.TryParse(uri));

    [Theory]
    [InlineData(null)]
    [InlineData("runs:/")]
    [InlineData("runs://x")]
    [InlineData("mlflow-artifacts:/1/abc/artifacts")]
    [InlineData("models:/m/1")]
    public void TryParse_OtherUris_AreNull(string? uri) => Assert.Null(RunsUri.TryParse(uri));

    [Fact]
    public void Under_JoinsWithTheRunsArtifactUri()
    {
        Assert.Equal("mlflow-artifacts:/1/abc/artifacts/model", new RunsUri("abc", "model").Under("mlflow-artifacts:/1/abc/artifacts/"));
        Assert.Equal("mlflow-artifacts:/1/abc/artifacts", new RunsUri("abc", "").Under("mlflow-artifacts:/1/abc/artifacts"));
    }
}
