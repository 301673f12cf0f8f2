using System.Net;
using System.Security.Cryptography;
using Keel.Core.Artifacts;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Artifacts;

/// <summary>
/// Nothing lost, nothing half-written: the real server process is SIGKILLed in the middle of a slow
/// chunked upload, restarted, and checked.
/// </summary>
public sealed class KillDuringUploadTests : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-kill-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner gets it.
        }
    }

    [Fact]
    public async Task KillMinusNineMidUpload_NoPartialFileUnderRealName_CompletedUploadIntact()
    {
        var completed = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var runDir = Path.Join(_folder, "artifacts", "1", "run", "artifacts");

        using (var server = await ServerProcess.StartAsync(_folder))
        using (var client = Client(server))
        {
            var put = await client.PutAsync("/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/done.bin", new ByteArrayContent(completed), Ct);
            await HttpAssert.EmptyOk(put);

            // Begin a slow chunked upload that never finishes on its own.
            var slow = new SlowContent(ChunkSize);
            using var upload = new HttpRequestMessage(HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/partial.bin") { Content = slow };
            var sending = client.SendAsync(upload, Ct);

            // Wait until the server has really put bytes on disk in its temporary file.
            var temp = await PollAsync(() => Directory.Exists(runDir)
                ? Directory.GetFiles(runDir, ArtifactPath.TempPrefix + "*").FirstOrDefault(f => new FileInfo(f).Length >= 4 * ChunkSize)
                : null, "a temporary upload file with data");
            Assert.False(File.Exists(Path.Join(runDir, "partial.bin")));

            server.KillHard();

            // Let the client write again: the dead connection makes the request fail.
            slow.Release();
            await Assert.ThrowsAnyAsync<Exception>(() => sending);

            // What the crash left: the complete file, the orphaned temporary file, no partial.bin.
            Assert.False(File.Exists(Path.Join(runDir, "partial.bin")));
            Assert.True(File.Exists(temp), "the killed upload's temporary file should be left behind, not renamed");
            Assert.Equal(completed, await File.ReadAllBytesAsync(Path.Join(runDir, "done.bin"), Ct));
        }

        using (var restarted = await ServerProcess.StartAsync(_folder))
        using (var client = Client(restarted))
        {
            var done = await client.GetAsync("/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/done.bin", Ct);
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            Assert.Equal(SHA256.HashData(completed), SHA256.HashData(await done.Content.ReadAsByteArrayAsync(Ct)));

            var partial = await client.GetAsync("/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/partial.bin", Ct);
            await HttpAssert.Error(partial, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

            using var listing = await HttpAssert.Json(await client.GetAsync("/api/2.0/mlflow-artifacts/artifacts?path=1/run/artifacts", Ct));
            Assert.Equal($$"""{"files":[{"path":"done.bin","is_dir":false,"file_size":{{completed.Length}}}]}""", listing.RootElement.GetRawText());

            // The same name can be uploaded again after the crash.
            await HttpAssert.EmptyOk(await client.PutAsync("/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/partial.bin", new ByteArrayContent([1, 2, 3]), Ct));
            Assert.Equal([1, 2, 3], await client.GetByteArrayAsync("/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/partial.bin", Ct));
        }
    }

    private static HttpClient Client(ServerProcess server) =>
        new() { BaseAddress = server.Address, Timeout = Timeout.InfiniteTimeSpan };

    private static async Task<string> PollAsync(Func<string?> probe, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Chunked body (no length): sends chunks until the write buffer fills, then stalls until released.</summary>
    private sealed class SlowContent(int chunkSize) : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[chunkSize];
            Random.Shared.NextBytes(chunk);
            for (var i = 0; i < 16; i++)
            {
                await stream.WriteAsync(chunk);
                await stream.FlushAsync();
            }

            // Keep the request open, as a slow client would, until the test lets go; then keep
            // writing, which fails once the server is gone.
            await _release.Task;
            for (var i = 0; i < 1024; i++)
            {
                await stream.WriteAsync(chunk);
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
