using System.Net;
using System.Text;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Security;

/// <summary>
/// MLflow's path-traversal CVE class (CVE-2023-1177, -2780, -6909, -6977, CVE-2024-1558, -1593,
/// -3573...): artifact paths and model sources that climb out of where they belong, in every
/// spelling. Each is refused with 400/403/404 and an MLflow error code; no file outside its place is
/// read, written or deleted. Run with auth on (a user climbing from their experiment into one they
/// may not read) and off (anyone climbing out of the artifact root).
/// </summary>
public abstract class PathTraversalAttacks(SecurityServer server)
{
    protected const string OtherSecret = "other experiment's secret 7c1e";
    protected const string OutsideSecret = "outside the artifact root 93ab";
    private static readonly int[] Refused = [400, 403, 404];
    private static readonly string[] Codes = ["INVALID_PARAMETER_VALUE", "PERMISSION_DENIED", "RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND", "BAD_REQUEST"];

    protected SecurityServer Server { get; } = server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Artifact paths after <c>/mlflow-artifacts/artifacts/</c>, raw: <c>{own}</c> is the caller's experiment, <c>{other}</c> another's.</summary>
    public static TheoryData<string> ClimbingPaths => new()
    {
        "{own}/../{other}/secret.txt",
        "{own}/%2e%2e/{other}/secret.txt",
        "{own}/%2E%2E/{other}/secret.txt",
        "{own}/.%2e/{other}/secret.txt",
        "{own}/%252e%252e/{other}/secret.txt",
        "{own}/%25252e%25252e/{other}/secret.txt",
        "{own}%2f..%2f{other}%2fsecret.txt",
        "{own}/..%2f{other}/secret.txt",
        "{own}/..%5c{other}/secret.txt",
        "{own}/..%255c{other}/secret.txt",
        "{own}/%c0%ae%c0%ae/{other}/secret.txt",
        "{own}/%e0%80%ae%e0%80%ae/{other}/secret.txt",
        "{own}/..%c0%af{other}/secret.txt",
        "{own}/../../secret-outside.txt",
        "{own}/%2e%2e/%2e%2e/secret-outside.txt",
        "{own}/..%2f..%2fsecret-outside.txt",
        "%2e%2e/secret-outside.txt",
        "%2fetc%2fpasswd",
        "/etc/passwd",
        "{own}/file:%2f%2f%2fetc%2fpasswd",
        "{own}/a%00b",
        "{own}/%2500",
        "{own}/secret.txt%00.png",
    };

    [Theory]
    [MemberData(nameof(ClimbingPaths))]
    public async Task ArtifactDownload_ClimbingPath_IsRefused_AndReadsNothing(string template)
    {
        var world = await WorldAsync();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            var (status, body, response) = await Refusal.SendRawAsync(world.User, method, "/api/2.0/mlflow-artifacts/artifacts/" + world.Fill(template));
            if (method == HttpMethod.Head)
            {
                Assert.True(Refused.Contains((int)status), $"HEAD {template}: {(int)status}");
                continue;
            }

            Refusal.Assert(status, body, response, Refused, Codes, "GET " + template);
            AssertNoSecretIn(body);
        }
    }

    [Theory]
    [MemberData(nameof(ClimbingPaths))]
    public async Task ArtifactUpload_ClimbingPath_IsRefused_AndWritesNothing(string template)
    {
        var world = await WorldAsync();
        var (status, body, response) = await Refusal.SendRawAsync(
            world.User, HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/" + world.Fill(template), new StringContent("pwned", Encoding.UTF8, "application/octet-stream"));
        Refusal.Assert(status, body, response, Refused, Codes, "PUT " + template);
        AssertFilesIntact(world);
    }

    [Theory]
    [MemberData(nameof(ClimbingPaths))]
    public async Task ArtifactDelete_ClimbingPath_IsRefused_AndDeletesNothing(string template)
    {
        var world = await WorldAsync();
        var (status, body, response) = await Refusal.SendRawAsync(world.User, HttpMethod.Delete, "/api/2.0/mlflow-artifacts/artifacts/" + world.Fill(template));
        Refusal.Assert(status, body, response, Refused, Codes, "DELETE " + template);
        AssertFilesIntact(world);
    }

    /// <summary>List queries: the proxy's <c>?path=</c> and the run API's <c>artifacts/list?path=</c>.</summary>
    [Theory]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts?path={own}/../{other}")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts?path={own}%2F..%2F{other}")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts?path={own}/%252e%252e/{other}")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts?path=..")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts?path=%2Fetc")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts?path={own}%5C..%5C{other}")]
    [InlineData("/ajax-api/2.0/mlflow-artifacts/artifacts?path={own}/../{other}")]
    [InlineData("/api/2.0/mlflow/artifacts/list?run_id={run}&path=../../{other}")]
    [InlineData("/api/2.0/mlflow/artifacts/list?run_id={run}&path=..%2F..%2F{other}")]
    [InlineData("/api/2.0/mlflow/artifacts/list?run_id={run}&path=%2Fetc")]
    [InlineData("/api/2.0/mlflow/artifacts/list?run_id={run}&path=a%00b")]
    public async Task ArtifactList_ClimbingPath_IsRefused_AndListsNothing(string template)
    {
        var world = await WorldAsync();
        var (status, body, response) = await Refusal.SendRawAsync(world.User, HttpMethod.Get, world.Fill(template));
        Refusal.Assert(status, body, response, Refused, Codes, template);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("passwd", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkInsideOwnExperiment_PointingOutOfTheRoot_IsNeverFollowed()
    {
        var world = await WorldAsync();
        var outside = Directory.CreateDirectory(Path.Join(Server.Folder, "linked-" + Guid.NewGuid().ToString("N"))).FullName;
        await File.WriteAllTextAsync(Path.Join(outside, "data.txt"), OutsideSecret, Ct);
        var link = "link-" + Guid.NewGuid().ToString("N");
        Directory.CreateSymbolicLink(Path.Join(Server.ArtifactsPath, world.Own, link), outside);

        foreach (var (method, path, content) in new (HttpMethod, string, HttpContent?)[]
        {
            (HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts/{world.Own}/{link}/data.txt", null),
            (HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{world.Own}/{link}/new.txt", new StringContent("pwned")),
            (HttpMethod.Delete, $"/api/2.0/mlflow-artifacts/artifacts/{world.Own}/{link}/data.txt", null),
            (HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts?path={world.Own}/{link}", null),
            (HttpMethod.Get, $"/api/2.0/mlflow/artifacts/list?run_id={world.Run}&path=../{link}", null),
        })
        {
            var (status, body, response) = await Refusal.SendRawAsync(world.User, method, path, content);
            Refusal.Assert(status, body, response, Refused, Codes, $"{method} {path}");
            AssertNoSecretIn(body);
        }

        Assert.Equal(OutsideSecret, await File.ReadAllTextAsync(Path.Join(outside, "data.txt"), Ct));
        Assert.False(File.Exists(Path.Join(outside, "new.txt")));
    }

    /// <summary>A version's <c>source</c> in each form (<c>mlflow-artifacts:</c>, <c>file:</c>, <c>runs:/</c>, a path), climbing out.</summary>
    public static TheoryData<string> ClimbingSources => new()
    {
        "file:///etc/passwd",
        "/etc/passwd",
        "{root}/../secret-outside.txt",
        "file://{root}/../secret-outside.txt",
        "file://{root}/%2e%2e/secret-outside.txt",
        "file://{root}/%252e%252e/secret-outside.txt",
        "file:{root}/..",
        "file://localhost{root}/../secret-outside.txt",
        "mlflow-artifacts:/../secret-outside.txt",
        "mlflow-artifacts:/%2e%2e/secret-outside.txt",
        "mlflow-artifacts:/%252e%252e/secret-outside.txt",
        "mlflow-artifacts:/{own}/..\\..\\secret-outside.txt",
        "mlflow-artifacts:/{own}/a\u0000b",
        "mlflow-artifacts://evil.example/x",
        "mlflow-artifacts:/{own}#/../../secret-outside.txt",
        "mlflow-artifacts:/{own};/../../secret-outside.txt",
        "mlflow-artifacts:/{own}/%c0%ae%c0%ae/secret-outside.txt",
        "runs:/{run}/../../../secret-outside.txt",
        "runs:/{run}/%2e%2e/%2e%2e/%2e%2e/secret-outside.txt",
        "runs:/../{run}/x",
        "//proc/self/root/etc/passwd",
        "file:///proc/self/root/etc/passwd",
        " mlflow-artifacts:/{own}/x",
    };

    [Theory]
    [MemberData(nameof(ClimbingSources))]
    public async Task ModelVersionSource_ClimbingOut_IsInvalidParameterValue_AndNoVersionIsMade(string template)
    {
        var world = await WorldAsync();
        var source = world.Fill(template);
        var answer = await world.User.ApiPostAsync("model-versions/create", new { name = world.Model, source, run_id = world.Run });
        Assert.True(answer.Status == 400, $"{source}: {answer.Status} {answer.Body}");
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
        var versions = await world.User.ApiGetAsync($"model-versions/search?filter=name%3D%27{world.Model}%27");
        Assert.Equal(200, versions.Status);
        Assert.False(versions.Json.TryGetProperty("model_versions", out var list) && list.GetArrayLength() > 0, versions.Body);
    }

    [Theory]
    [InlineData("../../evil", "models:/m/1")]
    [InlineData("a/b", "models:/m/1")]
    [InlineData("%2e%2e", "models:/m/1")]
    [InlineData("served", "models:/../../etc/1")]
    [InlineData("served", "models:/%2e%2e/1")]
    [InlineData("served", "file:///etc/passwd")]
    [InlineData("served", "runs:/0123456789abcdef0123456789abcdef/../../x")]
    public async Task ServedModel_ClimbingNameOrSource_IsRefused(string name, string modelUri)
    {
        var answer = await Server.Admin().ApiPostAsync("/api/2.0/keel/serving/models", new { name, model_uri = modelUri });
        Assert.True(answer.Status is 400 or 404, $"{name} {modelUri}: {answer.Status} {answer.Body}");
        Assert.Contains(answer.ErrorCode, new[] { "INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST" });
        Assert.False(Directory.Exists(Path.Join(Server.Folder, "evil")));
        Assert.False(Directory.Exists(Path.Join(Server.Folder, "serving-cache", "..", "evil")));
    }

    private static void AssertNoSecretIn(string body)
    {
        Assert.DoesNotContain(OtherSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(OutsideSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:x:0:0", body, StringComparison.Ordinal);
    }

    private void AssertFilesIntact(World world)
    {
        Assert.Equal(OtherSecret, File.ReadAllText(Path.Join(Server.ArtifactsPath, world.Other, "secret.txt")));
        Assert.Equal(OutsideSecret, File.ReadAllText(Path.Join(Server.Folder, "secret-outside.txt")));
        var written = Directory.EnumerateFiles(Server.Folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).Length == 5 && File.ReadAllText(f) == "pwned")
            .ToList();
        Assert.True(written.Count == 0, "Written by a refused upload: " + string.Join(", ", written));
    }

    private Task<World> WorldAsync() => Server.OnceAsync(nameof(PathTraversalAttacks), async () =>
    {
        var admin = Server.Admin();
        var other = await admin.CreateExperimentAsync("other-" + Guid.NewGuid().ToString("N"));
        using (var put = await admin.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{other}/secret.txt", new StringContent(OtherSecret), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await File.WriteAllTextAsync(Path.Join(Server.Folder, "secret-outside.txt"), OutsideSecret, Ct);
        var user = await Server.UserAsync("mallory");
        var own = await user.CreateExperimentAsync("own-" + Guid.NewGuid().ToString("N"));
        var run = await user.CreateRunAsync(own);
        using (var put = await user.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{own}/mine.txt", new StringContent("mine"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var model = "model-" + Guid.NewGuid().ToString("N");
        Assert.Equal(200, (await user.ApiPostAsync("registered-models/create", new { name = model })).Status);
        return new World(user, own, other, run, model, Server.ArtifactsPath);
    });

    protected sealed record World(HttpClient User, string Own, string Other, string Run, string Model, string Root)
    {
        public string Fill(string template) => template
            .Replace("{own}", Own, StringComparison.Ordinal)
            .Replace("{other}", Other, StringComparison.Ordinal)
            .Replace("{run}", Run, StringComparison.Ordinal)
            .Replace("{root}", Root, StringComparison.Ordinal);
    }
}

/// <summary>With auth on: a signed-in user with NO_PERMISSIONS by default climbs from their own experiment.</summary>
public sealed class PathTraversalAttackTests_AuthOn(AuthOnServer server) : PathTraversalAttacks(server), IClassFixture<AuthOnServer>
{
    [Fact]
    public async Task TheOtherExperiment_ReadDirectly_IsPermissionDenied_SoTheClimbsAboveTestSomething()
    {
        var user = await Server.OnceAsync("plain-user", () => Server.UserAsync("plain"));
        var other = await Server.Admin().CreateExperimentAsync("direct-" + Guid.NewGuid().ToString("N"));
        using (await Server.Admin().PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{other}/secret.txt", new StringContent(OtherSecret), TestContext.Current.CancellationToken))
        {
        }

        var (status, body, _) = await Refusal.SendRawAsync(user, HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts/{other}/secret.txt");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.DoesNotContain(OtherSecret, body, StringComparison.Ordinal);
        Assert.Equal(OtherSecret, await Server.Admin().GetStringAsync($"/api/2.0/mlflow-artifacts/artifacts/{other}/secret.txt", TestContext.Current.CancellationToken));
    }
}

/// <summary>With auth off (loopback): anyone climbs out of the artifact root.</summary>
public sealed class PathTraversalAttackTests_AuthOff(AuthOffServer server) : PathTraversalAttacks(server), IClassFixture<AuthOffServer>;
