using System.Net;
using Keel.Core.Artifacts;

namespace Keel.Server.Tests.Artifacts;

public sealed class UploadLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_OverConfiguredLimit_IsRefusedWithClearErrorAndLeavesNoFile()
    {
        await using var factory = ArtifactsAppFactory.WithSettings(new Dictionary<string, string> { ["Keel:Artifacts:MaxUploadBytes"] = "1000" });
        using var client = factory.CreateClient();

        await HttpAssert.EmptyOk(await client.PutAsync("/api/2.0/mlflow-artifacts/artifacts/ok/exact.bin", new ByteArrayContent(new byte[1000]), Ct));

        var declared = await client.PutAsync("/api/2.0/mlflow-artifacts/artifacts/big/declared.bin", new ByteArrayContent(new byte[1001]), Ct);
        var message = await HttpAssert.Error(declared, HttpStatusCode.RequestEntityTooLarge, "REQUEST_TOO_LARGE");
        Assert.Contains("maximum size of 1000 bytes", message, StringComparison.Ordinal);
        Assert.Contains("Keel:Artifacts:MaxUploadBytes", message, StringComparison.Ordinal);

        // Chunked: no Content-Length, so the limit trips while streaming.
        var chunked = new StreamContent(new MemoryStream(new byte[5000]));
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/big/chunked.bin") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await client.SendAsync(request, Ct);
        await HttpAssert.Error(streamed, HttpStatusCode.RequestEntityTooLarge, "REQUEST_TOO_LARGE");

        var big = Path.Join(factory.ArtifactsPath, "big");
        Assert.False(File.Exists(Path.Join(big, "declared.bin")));
        Assert.False(File.Exists(Path.Join(big, "chunked.bin")));
        Assert.Empty(Directory.Exists(big) ? Directory.GetFiles(big, ArtifactPath.TempPrefix + "*") : []);
    }

    [Fact]
    public void InvalidLimit_FailsAtStartUp()
    {
        var error = Assert.ThrowsAny<Exception>(() => ArtifactsAppFactory.WithSettings(new Dictionary<string, string> { ["Keel:Artifacts:MaxUploadBytes"] = "0" }));
        Assert.Contains("MaxUploadBytes", error.ToString(), StringComparison.Ordinal);
    }
}
