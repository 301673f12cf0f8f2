using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Reliability;

/// <summary>
/// Every endpoint that takes input, on <c>keel server</c> and on the <c>keel serve</c> host, against
/// hostile payloads (lone surrogates, invalid UTF-8, wrong content types, over-limit lengths and
/// counts, unusable names, duplicated columns, out-of-range tensors): each answers its 4xx status
/// with an error naming the field or limit, stores nothing, and leaves every read answering 200.
/// </summary>
public sealed class HostileInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    private static readonly string[] MainReads =
    [
        "/api/2.0/mlflow/experiments/search?max_results=100",
        "/api/2.0/mlflow/registered-models/search",
        "/api/2.0/mlflow/model-versions/search",
        "/api/2.0/keel/registry/events",
        "/api/2.0/keel/serving/models",
        "/v2/models/bc",
        "/serving/bc/ping",
    ];

    private static readonly string[] SingleReads = ["/ping", "/v2/models/bc-single", "/health"];

    [Theory]
    [MemberData(nameof(HostileInputCases.Names), MemberType = typeof(HostileInputCases))]
    public async Task HostileRequest_IsRefusedNamingTheFieldOrLimit_StoresNothing_AndReadsStillAnswer200(string name)
    {
        var c = HostileInputCases.All[name];
        var before = await fixture.SnapshotAsync();

        var answer = await SendAsync(c);

        Assert.True(c.Status == answer.Status, $"{name}: expected {c.Status}, got {answer.Status}: {answer.Body}");
        Assert.Equal(JsonValueKind.Object, answer.Json.ValueKind);
        var message = c.ErrorCode is null ? answer["error"].GetString() : answer["message"].GetString();
        if (c.ErrorCode is not null)
        {
            Assert.Equal(c.ErrorCode, answer.ErrorCode);
        }

        Assert.Contains(c.Mentions, message, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.SnapshotAsync());
        await AssertReadsAnswer200Async();
    }

    [Fact]
    public void EveryEndpointTakingInput_HasAtLeastOneRow()
    {
        // Adding an endpoint that takes input means adding rows above; this list is the map to keep up to date.
        string[] endpoints =
        [
            "experiments/create", "experiments/update", "experiments/set-experiment-tag", "runs/create", "runs/update", "runs/set-tag",
            "runs/log-parameter", "runs/log-batch", "registered-models/create", "registered-models/rename", "registered-models/update",
            "registered-models/set-tag", "registered-models/delete", "registered-models/alias", "model-versions/create", "model-versions/update",
            "model-versions/set-tag", "model-versions/transition-stage", "keel/registry/rollback", "keel/serving/models", "keel/serving/models/reload",
            "keel/monitoring/monitors/apply", "keel/monitoring/monitors/delete", "keel/monitoring/run", "keel/monitoring/monitors/get", "keel/monitoring/monitors/list", "keel/monitoring/windows/list",
            "keel/monitoring/status", "keel/monitoring/alerts/list", "keel/monitoring/alerts/history", "main keel/serving/feedback", "keel serve keel/serving/feedback", "main invocations", "keel serve invocations", "main v2 infer", "keel serve v2 infer",
        ];
        foreach (var endpoint in endpoints)
        {
            Assert.Contains(HostileInputCases.All.Keys, k => k.StartsWith(endpoint + ":", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Endpoints taking a body or changing state that the table leaves out on purpose, with where
    /// their hostile input is covered instead. Anything else a host maps must have rows above.
    /// </summary>
    private static readonly Dictionary<string, string> CoveredElsewhere = new(StringComparer.Ordinal)
    {
        ["PUT /api/2.0/mlflow-artifacts/artifacts/{**path}"] = "raw file bytes, not JSON: Artifacts/PathSafetyHttpTests, UploadLimitTests, FullDiskTests",
        ["DELETE /api/2.0/mlflow-artifacts/artifacts/{**path}"] = "a path, no body: Artifacts/PathSafetyHttpTests",
        ["POST /api/2.0/mlflow-artifacts/artifacts/{**path}"] = "always 405: Artifacts/ProxyEndpointsTests",
        ["PATCH /api/2.0/mlflow-artifacts/artifacts/{**path}"] = "always 405: Artifacts/ProxyEndpointsTests",
        ["POST /api/2.0/mlflow-artifacts/mpu/create/{**path}"] = "multipart upload is not supported (501): Artifacts/ProxyEndpointsTests",
        ["POST /api/2.0/mlflow-artifacts/mpu/complete/{**path}"] = "as above",
        ["POST /api/2.0/mlflow-artifacts/mpu/abort/{**path}"] = "as above",
        ["DELETE /api/2.0/keel/serving/models/{name}"] = "a name in the path, no body: Serving/ServedModelRestoreTests",
        ["POST /metrics"] = "always 405 (GET and HEAD only): Reliability/MainServerHardeningTests",
        ["PUT /metrics"] = "as above",
        ["PATCH /metrics"] = "as above",
        ["DELETE /metrics"] = "as above",
    };

    [Theory]
    [InlineData(HostileTarget.Main)]
    [InlineData(HostileTarget.Single)]
    public void EveryMappedEndpointTakingInput_HasRowsOrIsCoveredElsewhere(HostileTarget target)
    {
        // Read from the host's own route table, so an endpoint added later without rows fails here.
        var sources = fixture.Services(target).GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>();
        var missing = new List<string>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var normalised = pattern.Replace("/ajax-api/", "/api/", StringComparison.Ordinal);
            foreach (var method in methods.Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE"))
            {
                if (CoveredElsewhere.ContainsKey($"{method} {normalised}"))
                {
                    continue;
                }

                var route = new System.Text.RegularExpressions.Regex(
                    "^" + System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Escape(normalised), @"\\\{[^}]*\}", "[^/?]+") + @"(\?.*)?$");
                if (!HostileInputCases.All.Values.Any(c => c.Target == target && c.Method == method && route.IsMatch(c.Path.Replace("/ajax-api/", "/api/", StringComparison.Ordinal))))
                {
                    missing.Add($"{method} {pattern}");
                }
            }
        }

        Assert.True(missing.Count == 0, $"{target}: endpoints with no row in HostileInputCases (add rows, or list them in CoveredElsewhere with the reason): {string.Join(", ", missing.Distinct())}");
    }

    private async Task<ApiAnswer> SendAsync(HostileCase c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encode(Resolve(c.Body)));
            if (c.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
            }
        }
        else if (c.ContentType is not null)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        }

        if (c.User is not null)
        {
            request.Headers.Add("X-Keel-User", c.User);
        }

        using var response = await fixture.Client(c.Target).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" && text.Trim().Length > 0
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return new ApiAnswer((int)response.StatusCode, json, text);
    }

    private async Task AssertReadsAnswer200Async()
    {
        foreach (var path in MainReads.Append($"/api/2.0/mlflow/runs/get?run_id={fixture.RunId}").Append($"/api/2.0/mlflow/registered-models/get?name={fixture.ModelName}"))
        {
            var read = await fixture.Main.GetAsync(path);
            Assert.True((int)read.StatusCode == 200, $"GET {path}: {(int)read.StatusCode} {await read.Content.ReadAsStringAsync()}");
        }

        foreach (var path in SingleReads)
        {
            var read = await fixture.Single.GetAsync(path);
            Assert.True((int)read.StatusCode == 200, $"GET {path} (keel serve): {(int)read.StatusCode}");
        }

        foreach (var (client, model) in new[] { (fixture.Main, "bc"), (fixture.Single, "bc-single") })
        {
            using var page = await client.GetAsync($"/api/2.0/keel/serving/predictions?model={model}");
            var body = await page.Content.ReadAsByteArrayAsync();
            Assert.True((int)page.StatusCode == 200, Encoding.UTF8.GetString(body));
            Assert.NotEmpty(PredictionLogJson.ReadPage(body).Items); // What the client (keel predictions export) reads.
        }
    }

    private string Resolve(string body)
    {
        var columns = JsonSerializer.Serialize(fixture.Columns);
        var rest = string.Join(", ", fixture.Row.Skip(1).Select(v => v.GetRawText()));
        return body switch
        {
            "{split}" => fixture.SplitBody(),
            "{split:rows}" => fixture.SplitBody(rows: HostileInputFixture.MaxRows + 1),
            "{split:duplicate}" => fixture.SplitBody(columns: [fixture.Columns[0], .. fixture.Columns[..^1]]),
            "{split:cell}" => Split(columns, $"[\"\\ud800\", {rest}]"),
            "{split:column}" => Split(
                "[\"c\\ud800\", " + string.Join(", ", fixture.Columns.Skip(1).Select(c => JsonSerializer.Serialize(c))) + "]",
                "[" + string.Join(", ", fixture.Row.Select(v => v.GetRawText())) + "]"),
            "{infer}" => fixture.InferBody(),
            "{infer:rows}" => fixture.InferBody(HostileInputFixture.MaxRows + 1),
            _ => body
                .Replace("{exp}", fixture.ExperimentId, StringComparison.Ordinal)
                .Replace("{run}", fixture.RunId, StringComparison.Ordinal)
                .Replace("{model}", fixture.ModelName, StringComparison.Ordinal)
                .Replace("{tagless}", fixture.TaglessModel, StringComparison.Ordinal)
                .Replace("{rid}", fixture.RequestId, StringComparison.Ordinal),
        };
    }

    private static string Split(string columns, string row) => "{\"dataframe_split\": {\"columns\": " + columns + ", \"data\": [" + row + "]}}";

    // UTF-8, with each <FF> replaced by the byte 0xFF (never valid in UTF-8).
    private static byte[] Encode(string text)
    {
        var parts = text.Split("<FF>");
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                bytes.Add(0xFF);
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
        }

        return [.. bytes];
    }
}
