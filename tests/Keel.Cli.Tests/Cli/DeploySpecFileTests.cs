using Keel.Cli.Deploy;
using Keel.Cli.Infrastructure;
using Keel.Core.Deployments;

namespace Keel.Cli.Tests.Cli;

public sealed class DeploySpecFileTests
{
    [Fact]
    public void TheShippedExample_ReadsAndValidates()
    {
        var spec = DeploymentSpecValidator.Normalize(DeploySpecFile.Read(Path.Combine(RepositoryRoot(), "examples", "deployments", "credit-canary.yaml")));

        Assert.Equal(("credit-prod", "credit-risk", "2", "canary", "Production"), (spec.Name, spec.Model, spec.Version, spec.Strategy, spec.Stage));
        Assert.Equal("X-Customer-Id", spec.Traffic!.RoutingKey!.Header);
        Assert.Equal(10, spec.Steps!.Count);
        Assert.NotNull(spec.Steps[2].Analysis);
        Assert.Equal(new PauseStep(), spec.Steps[7].Pause);
        Assert.Equal(["error_rate", "latency_p99", "prediction_shift"], spec.Steps[5].Analysis!.Gates!);
        Assert.Equal(["error_rate", "latency_p99", "prediction_shift", "input_drift", "feedback"], spec.Gates!.Configured());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void YamlAndJson_OfTheSameSpec_ReadTheSame()
    {
        var folder = Directory.CreateTempSubdirectory("keel-spec-").FullName;
        try
        {
            var yaml = Path.Combine(folder, "s.yaml");
            var json = Path.Combine(folder, "s.json");
            File.WriteAllText(yaml, "name: s\nmodel: m\nversion: 3\nstrategy: shadow\ntraffic:\n  shadow_share: 0.25\nsteps:\n  - pause:\n      duration: '1h'\n");
            File.WriteAllText(json, """{"name": "s", "model": "m", "version": "3", "strategy": "shadow", "traffic": {"shadow_share": 0.25}, "steps": [{"pause": {"duration": "1h"}}]}""");

            Assert.True(DeploymentStateMachine.SameConfig(DeploymentSpecValidator.Normalize(DeploySpecFile.Read(yaml)), DeploymentSpecValidator.Normalize(DeploySpecFile.Read(json))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void BrokenYaml_IsAUsageError_WithTheLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keel-broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: [unclosed\n");
        try
        {
            var e = Assert.Throws<UsageException>(() => DeploySpecFile.Read(path));
            Assert.Contains("not valid YAML (line", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AKeyGivenTwice_IsAUsageError_NotTheLastOneWinning()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keel-twice-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: s\nmodel: m\nversion: 1\nversion: 2\n");
        try
        {
            var e = Assert.Throws<UsageException>(() => DeploySpecFile.Read(path));
            Assert.Contains("line 4", e.Message, StringComparison.Ordinal); // YamlDotNet refuses the duplicate key as it loads
        }
        finally
        {
            File.Delete(path);
        }
    }
}
