using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Monitoring;

/// <summary>
/// Every monitoring endpoint that takes a model name checks it with the same rule (Core's
/// <see cref="MonitoringNames"/>): a name no model could have is 400 INVALID_PARAMETER_VALUE,
/// before any lookup, never 404 on one endpoint and 400 on another.
/// </summary>
public sealed class MonitoringModelNameTests : IAsyncLifetime
{
    private const string Api = "/api/2.0/keel/monitoring/";
    private readonly KeelApiFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    public static TheoryData<string> BadNames => ["credit%07bell", "credit%0Aline", "a%2Fb", "..", "%E2%80%8B%1F"];

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task EveryMonitoringEndpoint_ABadModelName_IsInvalidParameter400(string escaped)
    {
        var name = Uri.UnescapeDataString(escaped);
        var answers = new List<(string Endpoint, ApiAnswer Answer)>
        {
            ("status", await _client.ApiGetAsync($"{Api}status?model={escaped}")),
            ("summary", await _client.ApiGetAsync($"{Api}summary?model={escaped}")),
            ("report", await _client.ApiGetAsync($"{Api}report?model={escaped}")),
            ("monitors/get", await _client.ApiGetAsync($"{Api}monitors/get?model={escaped}")),
            ("windows/list", await _client.ApiGetAsync($"{Api}windows/list?model={escaped}")),
            ("alerts/list", await _client.ApiGetAsync($"{Api}alerts/list?model={escaped}")),
            ("alerts/history", await _client.ApiGetAsync($"{Api}alerts/history?model={escaped}")),
            ("monitors/apply", await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", new { model = name })),
            ("monitors/delete", await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/delete", new { model = name })),
            ("run", await _client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model = name })),
        };

        Assert.All(answers, a => Assert.True(a.Answer.Status == 400 && a.Answer.ErrorCode == "INVALID_PARAMETER_VALUE", $"{a.Endpoint}: {a.Answer.Status} {a.Answer.Body}"));
    }

    [Fact]
    public void MonitoringNames_RefusesControlCharacters_AndKeepsAGoodName()
    {
        Assert.Equal("credit-model", MonitoringNames.Model("credit-model"));
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => MonitoringNames.Model("credit\u0007")).Code);
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => MonitoringNames.Model(null)).Code);
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => MonitoringNames.Model(MonitoringSummaryQuery.Of("credit\u001f", 7).Model)).Code);
    }

    [Fact]
    public async Task Summary_UnknownButValidName_IsNotFound_AsStatusIs()
    {
        var summary = await _client.ApiGetAsync($"{Api}summary?model=never-registered");
        var status = await _client.ApiGetAsync($"{Api}status?model=never-registered");

        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (summary.Status, summary.ErrorCode));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (status.Status, status.ErrorCode));
        _ = JsonDocument.Parse(summary.Body);
    }
}
