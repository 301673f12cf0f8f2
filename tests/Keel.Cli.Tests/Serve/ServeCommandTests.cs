using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Cli.Tests.Infrastructure;
using Keel.Cli.Tests.Train;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// <c>keel serve models:/NAME@ALIAS</c> as a real process: it resolves the alias on the tracking
/// server, downloads the package and answers MLflow's scoring protocol, OIP v2 and /metrics.
/// </summary>
public sealed class ServeCommandTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    [Fact]
    public async Task Serve_RegisteredAlias_ScoresOverMlflowAndOip_AndExposesMetrics()
    {
        var name = KeelServerFixture.UniqueName("serve");
        var train = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name, name));
        Assert.True(train.ExitCode == 0, train.ToString());

        var info = KeelProcess.StartInfo(["serve", $"models:/{name}@champion", "--port", "0"], new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });
        using var process = Process.Start(info)!;
        try
        {
            var line = await ReadLineAsync(process, "Serving ");
            Assert.Matches($"^Serving {name} version 1 on http://127\\.0\\.0\\.1:\\d+$", line);
            using var http = new HttpClient { BaseAddress = new Uri(line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..]) };

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/ping", _ct)).StatusCode);
            var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First().Split(',');
            var values = File.ReadLines(TrainPipelines.BreastCancerCsv).Skip(1).First().Split(',');
            var columns = header.Where(c => c is not "target" and not "diagnosis").ToArray();
            var row = columns.Select(c => double.Parse(values[Array.IndexOf(header, c)], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var body = JsonSerializer.Serialize(new { dataframe_split = new { columns, data = new[] { row } } });

            using var scored = await http.PostAsync("/invocations", new StringContent(body, Encoding.UTF8, "application/json"), _ct);
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            using var predictions = JsonDocument.Parse(await scored.Content.ReadAsStringAsync(_ct));
            var prediction = Assert.Single(predictions.RootElement.GetProperty("predictions").EnumerateArray().ToList());
            Assert.InRange(prediction.GetProperty("probability").GetDouble(), 0, 1);

            using var unsupported = await http.PostAsync("/invocations", new StringContent("x", Encoding.UTF8, "text/plain"), _ct);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v2/models/{name}/ready", _ct)).StatusCode);
            var metrics = await http.GetStringAsync("/metrics", _ct);
            Assert.Contains($"keel_serving_requests_total{{model=\"{name}\",version=\"1\"}} 2", metrics, StringComparison.Ordinal);
            Assert.Contains($"keel_serving_model_loads_total{{model=\"{name}\"}} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(_ct);
        }
    }

    [Fact]
    public async Task Serve_Alias_FollowsTheAliasWhenItMoves()
    {
        var name = KeelServerFixture.UniqueName("serve-follow");
        var first = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name + "-a", name));
        Assert.True(first.ExitCode == 0, first.ToString());

        var info = KeelProcess.StartInfo(["serve", $"models:/{name}@champion", "--port", "0", "--follow-interval", "00:00:00.300"], new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });
        using var process = Process.Start(info)!;
        try
        {
            var line = await ReadLineAsync(process, "Serving ");
            Assert.Contains($"{name} version 1", line, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..]) };

            // Training again moves @champion to version 2; keel serve loads it and swaps it in.
            var second = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name + "-b", name));
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.Equal($"Now serving {name} version 2 (generation 2)", await ReadLineAsync(process, "Now serving "));

            using var model = JsonDocument.Parse(await http.GetStringAsync($"/v2/models/{name}", _ct));
            Assert.Equal("2", model.RootElement.GetProperty("versions")[0].GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(_ct);
        }
    }

    [Fact]
    public async Task Serve_WithPredictionLog_LogsEveryPrediction_AndJoinsFeedback()
    {
        var name = KeelServerFixture.UniqueName("serve-log");
        var train = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name, name));
        Assert.True(train.ExitCode == 0, train.ToString());
        var log = Path.Combine(_pipelines.Directory, name, "predictions.db");

        var info = KeelProcess.StartInfo(["serve", $"models:/{name}/1", "--port", "0", "--prediction-log", "sqlite:///" + log], new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });
        using var process = Process.Start(info)!;
        try
        {
            var line = await ReadLineAsync(process, "Serving ");
            using var http = new HttpClient { BaseAddress = new Uri(line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..]) };
            var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First().Split(',');
            var columns = header.Where(c => c is not "target" and not "diagnosis").ToArray();
            var rows = File.ReadLines(TrainPipelines.BreastCancerCsv).Skip(1).Take(3)
                .Select(l => l.Split(','))
                .Select(v => columns.Select(c => double.Parse(v[Array.IndexOf(header, c)], System.Globalization.CultureInfo.InvariantCulture)).ToArray())
                .ToArray();
            var body = JsonSerializer.Serialize(new { dataframe_split = new { columns, data = rows } });

            using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Request-Id", name + "-req-1");
            using var scored = await http.SendAsync(request, _ct);
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            Assert.Equal(name + "-req-1", scored.Headers.GetValues("X-Request-Id").Single());

            // Feedback for a request still in the buffer is accepted: the log is flushed first.
            var feedback = JsonSerializer.Serialize(new { request_id = name + "-req-1", labels = new[] { "1", "0", "1" } });
            using var sent = await http.PostAsync("/api/2.0/keel/serving/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"), _ct);
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync(_ct));

            using var read = JsonDocument.Parse(await http.GetStringAsync($"/api/2.0/keel/serving/predictions?model={name}", _ct));
            var logged = Assert.Single(read.RootElement.GetProperty("predictions").EnumerateArray().ToList());
            Assert.Equal(name + "-req-1", logged.GetProperty("request_id").GetString());
            Assert.Equal("1", logged.GetProperty("model_version").GetString());
            Assert.Equal(3, logged.GetProperty("row_count").GetInt32());
            Assert.Contains("\"0\"", logged.GetProperty("labels").GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(_ct);
        }

        Assert.True(File.Exists(log));
    }

    [Fact]
    public async Task Serve_WithKeelServeTokens_ScoresOnlyWithOneOfThem_AndAnswersProbesWithout()
    {
        var name = KeelServerFixture.UniqueName("serve-tokens");
        var train = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name, name));
        Assert.True(train.ExitCode == 0, train.ToString());
        var first = "first-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var second = "second-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

        var info = KeelProcess.StartInfo(["serve", $"models:/{name}/1", "--port", "0"], new Dictionary<string, string>
        {
            ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri,
            ["KEEL_SERVE_TOKENS"] = $"{first}, {second}",
        });
        using var process = Process.Start(info)!;
        try
        {
            Assert.Equal("Scoring tokens required: 2 from $KEEL_SERVE_TOKENS (send 'Authorization: Bearer TOKEN')", await ReadLineAsync(process, "Scoring tokens "));
            var line = await ReadLineAsync(process, "Serving ");
            using var http = new HttpClient { BaseAddress = new Uri(line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..]) };
            var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First().Split(',');
            var values = File.ReadLines(TrainPipelines.BreastCancerCsv).Skip(1).First().Split(',');
            var columns = header.Where(c => c is not "target" and not "diagnosis").ToArray();
            var row = columns.Select(c => double.Parse(values[Array.IndexOf(header, c)], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var body = JsonSerializer.Serialize(new { dataframe_split = new { columns, data = new[] { row } } });

            async Task<HttpStatusCode> ScoreAsync(string? bearer)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (bearer is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
                }

                using var response = await http.SendAsync(request, _ct);
                return response.StatusCode;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, await ScoreAsync(null));
            Assert.Equal(HttpStatusCode.Unauthorized, await ScoreAsync(first + "x"));
            Assert.Equal(HttpStatusCode.OK, await ScoreAsync(first));
            Assert.Equal(HttpStatusCode.OK, await ScoreAsync(second));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/ping", _ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics", _ct)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(_ct);
        }
    }

    [Theory]
    [InlineData("0.0.0.0", null, "Refusing to serve on http://0.0.0.0:0 without scoring tokens")]
    [InlineData("127.0.0.1", "too-short", "KEEL_SERVE_TOKENS: Scoring token 1 is shorter than 32 characters")]
    public async Task Serve_OpenOnANonLoopbackHost_OrWithAShortToken_RefusesToStart(string host, string? tokens, string message)
    {
        var environment = tokens is null ? null : new Dictionary<string, string> { ["KEEL_SERVE_TOKENS"] = tokens };
        var result = await KeelProcess.RunAsync(["serve", "models:/never-loaded/1", "--host", host, "--port", "0", "--tracking-uri", server.BaseAddress.AbsoluteUri], environment);

        CliRun.AssertOneLineError(result, 1, message);
    }

    [Fact]
    public async Task Serve_AReplicaGivenKeelServeTokens_IsToldItEnforcesItsDeploymentsTokens()
    {
        var result = await KeelProcess.RunAsync(["serve", "--deployment", "d", "--tracking-uri", server.BaseAddress.AbsoluteUri], new Dictionary<string, string> { ["KEEL_SERVE_TOKENS"] = new string('x', 40) });

        CliRun.AssertOneLineError(result, 1, "a replica enforces its deployment's scoring tokens");
    }

    [Fact]
    public async Task Serve_PredictionLogNotSqlite_FailsWithOneLine()
    {
        var result = await KeelProcess.RunAsync(["serve", "models:/x/1", "--prediction-log", "postgresql://db/keel", "--tracking-uri", server.BaseAddress.AbsoluteUri]);

        CliRun.AssertOneLineError(result, 1, "--prediction-log: expected sqlite:///");
    }

    [Fact]
    public async Task Serve_UnknownModel_FailsWithOneLine()
    {
        var result = await KeelProcess.RunAsync(["serve", "models:/no-such-model-anywhere@champion", "--port", "0", "--tracking-uri", server.BaseAddress.AbsoluteUri]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://models-bucket/churn/model")]
    [InlineData("https://models.example.com/churn/model")]
    public async Task Serve_VersionWhoseSourceIsOutsideTheStore_FailsSayingKeelDoesNotReadIt(string source)
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("serve-external");
        await client.CreateRegisteredModelAsync(name, null, null, new Keel.Core.Registry.Actor("alice"), _ct);
        await client.CreateModelVersionAsync(new Keel.Core.Registry.CreateModelVersionCommand(name, source, null, null, null, null, null), new Keel.Core.Registry.Actor("alice"), _ct);

        var result = await KeelProcess.RunAsync(["serve", $"models:/{name}/1", "--port", "0", "--tracking-uri", server.BaseAddress.AbsoluteUri]);
        CliRun.AssertOneLineError(result, 1, "outside Keel's artifact store");
        Assert.Contains("never reads", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NotAModelsUri_FailsWithOneLine()
    {
        var result = await KeelProcess.RunAsync(["serve", "runs:/abc/model", "--tracking-uri", server.BaseAddress.AbsoluteUri]);

        CliRun.AssertOneLineError(result, 1, "Expected a models:/ URI");
    }

    private async Task<string> ReadLineAsync(Process process, string prefix)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("keel serve exited: " + await process.StandardError.ReadToEndAsync(_ct));
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }
}
