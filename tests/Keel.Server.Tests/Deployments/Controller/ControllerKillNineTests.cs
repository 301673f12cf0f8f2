using System.Text.Json;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>A real <c>keel server</c> process killed with SIGKILL mid-canary; another started on the same store.</summary>
public sealed class ControllerKillNineTests : IDisposable
{
    private static readonly string[] ControllerArgs = ["--Keel:Deployments:Controller:Tick=00:00:00.100", "--Keel:Deployments:Controller:LeaseDuration=00:00:01"];

    private readonly string _folder = Directory.CreateTempSubdirectory("keel-ctrl-kill-").FullName;

    [Fact]
    public async Task KillNineMidPause_TheNextServerResumesTheSameStep_AndNeverJumpsAhead()
    {
        var package = await TrainAsync();
        const string name = "kill-canary";
        var steps = new object[] { new { set_weight = 10 }, new { pause = new { duration = "3s" } }, new { set_weight = 50 }, new { pause = new { } }, new { set_weight = 100 } };
        using (var first = await ServerProcess.StartAsync(_folder, null, ControllerArgs))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name })).Status);
            await RegisterAsync(client, name, package);
            await RegisterAsync(client, name, package);
            object Spec(string version) => new { name, model = name, version, strategy = "canary", steps };
            Assert.Equal(200, (await client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec = Spec("1") })).Status);
            Assert.Equal(200, (await client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = Spec("2") })).Status);

            await WaitAsync(async () => (await GetAsync(client, name)).GetProperty("step_index").GetInt32() == 1, "the controller to reach the bake pause");
            first.KillHard();
        }

        using var second = await ServerProcess.StartAsync(_folder, null, ControllerArgs);
        using var after = new HttpClient { BaseAddress = second.Address };
        await WaitAsync(async () => (await GetAsync(after, name)).GetProperty("state").GetString() == "paused", "the next server to run the rollout to its manual pause");

        var d = await GetAsync(after, name);
        Assert.Equal((3, 50, "2", "1"), (d.GetProperty("step_index").GetInt32(), d.GetProperty("candidate_weight").GetInt32(), d.GetProperty("candidate_version").GetString(), d.GetProperty("stable_version").GetString()));
        var history = (await after.ApiGetAsync($"/api/2.0/keel/deployments/history?name={name}"))["events"].EnumerateArray().ToList();
        Assert.Equal(["created", "rollout_started", "step_advanced", "step_advanced", "step_advanced"], history.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([-1, 0, 1, 2, 3], history.Select(e => e.GetProperty("step_index").GetInt32()));
        Assert.DoesNotContain(history, e => e.GetProperty("candidate_weight").GetInt32() > 50);
        var bakeBegan = history[2].GetProperty("timestamp").GetInt64();
        Assert.True(history[3].GetProperty("timestamp").GetInt64() - bakeBegan >= 3000, "the bake pause ended before its 3 s");
        Assert.All(history.Skip(2), e => Assert.Equal("keel-controller", e.GetProperty("user").GetString()));

        var resumed = await after.ApiPostAsync("/api/2.0/keel/deployments/resume", new { name });
        Assert.Equal(200, resumed.Status);
        await WaitAsync(async () => (await GetAsync(after, name)).GetProperty("state").GetString() == "promoted", "the resumed rollout to pass its last step");
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string name) =>
        (await client.ApiGetAsync($"/api/2.0/keel/deployments/get?name={name}"))["deployment"];

    private async Task<string> TrainAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Keel.slnx")))
        {
            root = root.Parent;
        }

        var csv = Path.Combine(root!.FullName, "examples", "breast-cancer", "breast_cancer_wdbc.csv");
        var yaml = $"name: kill\ndata: {{path: {csv}, target: target, task: binary, drop: [diagnosis]}}\nsplit: {{train: 0.8, validation: 0.1, test: 0.1, seed: 7}}\ntrainer: {{name: LbfgsLogisticRegression}}\n";
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, Path.Combine(_folder, "kill.yaml")),
            OutputDirectory = Path.Combine(_folder, "package"),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }

    /// <summary>A run whose artifact folder (on the server's local artifact store) holds the package under <c>model/</c>, registered as the next version.</summary>
    private async Task RegisterAsync(HttpClient client, string name, string package)
    {
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync());
        var artifactUri = (await client.ApiGetAsync($"runs/get?run_id={runId}"))["run"].GetProperty("info").GetProperty("artifact_uri").GetString()!;
        var target = Path.Combine(_folder, "artifacts", Keel.Core.Artifacts.ArtifactUris.ToRelativePath(artifactUri), "model");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(package))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var answer = await client.ApiPostAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId });
        Assert.True(answer.Status == 200, answer.Body);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(25);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
