using Keel.Core.Artifacts;
using Keel.Core.Errors;

namespace Keel.Core.Tests.Artifacts;

public sealed class StoreLocationTests
{
    private const string Root = "file:///srv/keel/artifacts";

    [Theory]
    [InlineData("mlflow-artifacts:/1/run/artifacts/model", "1/run/artifacts/model")]
    [InlineData("/srv/keel/artifacts/1/model", "1/model")]
    [InlineData("file:///srv/keel/artifacts/1/model", "1/model")]
    [InlineData("/srv/keel/artifacts", "")]
    public void LocationInsideTheStore_IsItsPathUnderTheRoot(string location, string expected) =>
        Assert.Equal(expected, StoreLocation.ToStorePath(location, Root, "x"));

    [Theory]
    [InlineData("/data/team-mlruns/7/run/artifacts/model")]
    [InlineData("file:///data/team-mlruns/7/run/artifacts/model")]
    [InlineData("s3://bucket/model")]
    [InlineData("gs://bucket/model")]
    [InlineData("https://models.example.com/churn")]
    [InlineData("/srv/keel/artifacts-evil/1")]
    [InlineData("/srv/keel/artifacts/../secrets")]
    [InlineData("models:/churn/1")]
    public void LocationOutsideTheStore_IsRefusedSayingWhy(string location)
    {
        var error = Assert.Throws<KeelException>(() => StoreLocation.ToStorePath(location, Root, "Model version 'churn' 3"));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.StartsWith("Model version 'churn' 3 is at '", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside Keel's artifact store", error.Message, StringComparison.Ordinal);
        Assert.Contains("never reads, lists, copies or serves it", error.Message, StringComparison.Ordinal);
        Assert.False(StoreLocation.IsInStore(location, Root));
    }

    [Fact]
    public void ProxiedRoot_OnlyServesProxiedLocations()
    {
        Assert.Equal("1/model", StoreLocation.ToStorePath("mlflow-artifacts:/1/model", "mlflow-artifacts:/", "x"));
        Assert.Throws<KeelException>(() => StoreLocation.ToStorePath("/srv/keel/artifacts/1/model", "mlflow-artifacts:/", "x"));
    }
}
