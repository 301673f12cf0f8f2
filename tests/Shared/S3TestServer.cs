using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Storage.Artifacts.S3;

namespace Keel.Tests.Shared;

/// <summary>
/// A real S3-protocol server for tests: the npm package s3rver 3.7.1 (installed in tests/s3 by
/// ./test.sh, with the listing fixes of tests/s3/fix-s3rver.cjs), started with node on a free loopback
/// port and stopped with the fixture. Node runs with <c>--openssl-legacy-provider</c>: s3rver encrypts
/// continuation tokens with DES, which OpenSSL 3 only offers from its legacy provider. It keeps
/// every request line it logs, so a test can see which S3 operations reached it (e.g. multipart parts).
/// With <c>KEEL_TEST_S3=off</c> the server is not started and the tests that need it are skipped;
/// otherwise a missing install or a failed start fails them with the reason.
/// </summary>
public sealed partial class S3TestServer : IAsyncLifetime
{
    /// <summary>s3rver's fixed credentials (it checks request signatures against them).</summary>
    public static readonly BasicAWSCredentials Credentials = new("S3RVER", "S3RVER");

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<string> _log = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-s3rver-").FullName;
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private string? _failure;

    [GeneratedRegex(@"S3rver listening on ([0-9.]+):(\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>Whether the S3 tests are switched off (<c>KEEL_TEST_S3=off</c>).</summary>
    public static bool Off => string.Equals(Environment.GetEnvironmentVariable("KEEL_TEST_S3"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server's URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string EndpointUrl { get; private set; } = string.Empty;

    /// <summary>The request lines s3rver logged so far (method, path with query, status).</summary>
    public IReadOnlyList<string> RequestLog => [.. _log];

    /// <summary>
    /// The request lines logged after the first <paramref name="skip"/>, once <paramref name="done"/> holds for them:
    /// s3rver logs a request after answering it, so its line can arrive just after the client saw the answer.
    /// Polls until a 30 s deadline, then returns what there is.
    /// </summary>
    public async Task<IReadOnlyList<string>> RequestsAsync(int skip, Func<IReadOnlyList<string>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var lines = RequestLog.Skip(skip).ToList();
            if (done(lines) || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (Off)
        {
            return;
        }

        var script = Path.Combine(RepositoryRoot(), "tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            _failure = $"The S3 test server (npm package s3rver 3.7.1) is not installed: {script} is missing. Run ./test.sh (it runs `npm ci` in tests/s3), or `npm ci` in tests/s3 yourself; set KEEL_TEST_S3=off to skip the S3 tests.";
            return;
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--openssl-legacy-provider", script, "-d", _folder, "-a", "127.0.0.1", "-p", "0", "--no-vhost-buckets"])
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            _process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            _failure = $"Could not start `node` for the S3 test server ({e.Message}); Node.js 20+ must be on PATH. Set KEEL_TEST_S3=off to skip the S3 tests.";
            return;
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(StartTimeout, TestContext.Current.CancellationToken));
        if (first == _listening.Task)
        {
            EndpointUrl = await _listening.Task;
            return;
        }

        _failure = first == exited
            ? $"The S3 test server exited at start with code {_process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, _log)}"
            : $"The S3 test server did not say it was listening within {StartTimeout}:{Environment.NewLine}{string.Join(Environment.NewLine, _log)}";
    }

    /// <summary>Skips the calling test when S3 tests are off; fails it when the server could not start.</summary>
    public void Require()
    {
        Assert.SkipWhen(Off, "KEEL_TEST_S3=off: the S3 artifact-store tests are switched off.");
        if (_failure is not null)
        {
            Assert.Fail(_failure);
        }
    }

    /// <summary>A client of the server with its credentials.</summary>
    public AmazonS3Client CreateClient() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = EndpointUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Creates a fresh bucket with a unique name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        Require();
        var name = "keel-" + Guid.NewGuid().ToString("N");
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name }, TestContext.Current.CancellationToken);
        return name;
    }

    /// <summary>Store options that reach this server (with its credentials), optionally with small parts and pages.</summary>
    public S3ArtifactStoreOptions Options(long? multipartThreshold = null, long? partSize = null, int? listPageSize = null)
    {
        var options = new S3ArtifactStoreOptions { EndpointUrl = EndpointUrl, Credentials = Credentials, Region = "us-east-1" };
        options.MultipartThresholdBytes = multipartThreshold ?? options.MultipartThresholdBytes;
        options.PartSizeBytes = partSize ?? options.PartSizeBytes;
        options.ListPageSize = listPageSize ?? options.ListPageSize;
        return options;
    }

    /// <summary>Every key in <paramref name="bucket"/>.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string bucket)
    {
        using var client = CreateClient();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        do
        {
            var page = await client.ListObjectsV2Async(request, TestContext.Current.CancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult($"http://{match.Groups[1].Value}:{match.Groups[2].Value}");
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test binaries.");
    }
}
