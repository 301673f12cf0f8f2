using System.Net;
using System.Net.Sockets;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Security;

/// <summary>
/// MLflow's SSRF CVE class (CVE-2023-6974 and kin: a model source the server then fetched): a
/// version may name a location outside Keel as metadata, as MLflow allows (the client reads it
/// itself), but the server never fetches it: serving such a version is refused before any
/// connection is made. A listening socket proves no connection was attempted.
/// </summary>
public sealed class SsrfAttackTests(AuthOffServer server) : IClassFixture<AuthOffServer>, IDisposable
{
    private readonly TcpListener _listener = Listen();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TheoryData<string> OutsideSources => new()
    {
        "http://127.0.0.1:{port}/model",
        "http://localhost:{port}/model",
        "http://[::1]:{port}/model",
        "https://127.0.0.1:{port}/model",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "s3://another-bucket/models/m",
        "gs://another-bucket/models/m",
    };

    [Theory]
    [MemberData(nameof(OutsideSources))]
    public async Task AVersionNamingAnOutsideLocation_IsNeverFetched_ServingItIsRefused(string template)
    {
        var source = template.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var client = server.Admin();
        var model = "ssrf-" + Guid.NewGuid().ToString("N");
        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = model })).Status);
        var created = await client.ApiPostAsync("model-versions/create", new { name = model, source });
        if (created.Status == 200)
        {
            // Kept as metadata, like MLflow: a client may read it itself; the download URI is the source, untouched.
            var uri = await client.ApiGetAsync($"model-versions/get-download-uri?name={model}&version=1");
            Assert.Equal(source, uri["artifact_uri"].GetString());
            var serve = await client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = model, model_uri = $"models:/{model}/1" });
            Assert.True(serve.Status == 400, $"{source}: {serve.Status} {serve.Body}");
            Assert.Equal("INVALID_PARAMETER_VALUE", serve.ErrorCode);
            var lineage = await client.ApiGetAsync($"/api/2.0/keel/registry/lineage?name={model}&version=1");
            Assert.True(lineage.Status is 200 or 400 or 404, lineage.Body);
        }
        else
        {
            Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (created.Status, created.ErrorCode));
        }

        Assert.False(_listener.Pending(), $"Keel connected to {source}.");
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("file://169.254.169.254/x")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("gopher://127.0.0.1:6379/_x")]
    [InlineData("dict://127.0.0.1:11211/")]
    [InlineData("jar:http://127.0.0.1/x!/")]
    [InlineData("http://user:pw@127.0.0.1/x")]
    [InlineData("http:///x")]
    public async Task ASourceNoClientCouldUse_IsRefusedAtRegistration(string source)
    {
        var client = server.Admin();
        var model = "ssrf-" + Guid.NewGuid().ToString("N");
        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = model })).Status);
        var created = await client.ApiPostAsync("model-versions/create", new { name = model, source });
        Assert.True(created is { Status: 400, ErrorCode: "INVALID_PARAMETER_VALUE" }, $"{source}: {created.Status} {created.Body}");
        Assert.False(_listener.Pending());
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    public async Task AnAlertWebhook_ToACloudMetadataAddress_IsRefused(string url)
    {
        // MLflow's CVE-2026-2393: the server posts to a webhook URL it was given.
        var answer = await server.Admin().ApiPostAsync("/api/2.0/keel/monitoring/monitors/apply", new
        {
            model = "ssrf-" + Guid.NewGuid().ToString("N"),
            notifiers = new[] { new { kind = "webhook", url } },
        });
        Assert.True(answer is { Status: 400, ErrorCode: "INVALID_PARAMETER_VALUE" }, $"{url}: {answer.Status} {answer.Body}");
        Assert.Contains("instance-metadata", answer.Body, StringComparison.Ordinal);
    }

    public void Dispose() => _listener.Dispose();

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}
