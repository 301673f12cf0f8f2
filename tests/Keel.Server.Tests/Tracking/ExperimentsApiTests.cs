using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Tracking;

public sealed class ExperimentsApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Create_ThenGet_ReturnsMlflowShapedExperiment()
    {
        var created = await _client.ApiPostAsync("experiments/create", new { name = "shape", tags = new[] { new { key = "team", value = "risk" } } });
        Assert.Equal(200, created.Status);
        var id = created["experiment_id"].GetString();
        var got = await _client.ApiGetAsync($"experiments/get?experiment_id={id}");
        Assert.Equal(200, got.Status);
        var e = got["experiment"];
        Assert.Equal("shape", e.GetProperty("name").GetString());
        Assert.Equal("active", e.GetProperty("lifecycle_stage").GetString());
        Assert.Equal($"mlflow-artifacts:/{id}", e.GetProperty("artifact_location").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, e.GetProperty("creation_time").ValueKind);
        Assert.Equal("risk", e.GetProperty("tags")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task DefaultExperiment_Exists()
    {
        var got = await _client.ApiGetAsync("experiments/get?experiment_id=0");
        Assert.Equal("Default", got["experiment"].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_WithoutName_IsInvalidParameterValue()
    {
        var answer = await _client.ApiPostAsync("experiments/create", new { });
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
    }

    [Fact]
    public async Task Create_Duplicate_IsResourceAlreadyExists()
    {
        await _client.CreateExperimentAsync("twice");
        var answer = await _client.ApiPostAsync("experiments/create", new { name = "twice" });
        Assert.Equal(400, answer.Status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", answer.ErrorCode);
    }

    [Fact]
    public async Task Get_Unknown_Is404ResourceDoesNotExist()
    {
        var answer = await _client.ApiGetAsync("experiments/get?experiment_id=123456");
        Assert.Equal(404, answer.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", answer.ErrorCode);
        var missing = await _client.ApiGetAsync("experiments/get");
        Assert.Equal(400, missing.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", missing.ErrorCode);
    }

    [Fact]
    public async Task GetByName_FindsAndMisses()
    {
        await _client.CreateExperimentAsync("by name");
        var found = await _client.ApiGetAsync("experiments/get-by-name?experiment_name=by%20name");
        Assert.Equal(200, found.Status);
        Assert.Equal("by name", found["experiment"].GetProperty("name").GetString());
        var missing = await _client.ApiGetAsync("experiments/get-by-name?experiment_name=nobody");
        Assert.Equal(404, missing.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", missing.ErrorCode);
    }

    [Fact]
    public async Task Search_GetAndPost_PageAndHonourViewType()
    {
        var deleted = await _client.CreateExperimentAsync("search-deleted");
        await _client.ApiPostAsync("experiments/delete", new { experiment_id = deleted });
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateExperimentAsync($"search-{i}");
        }

        var first = await _client.ApiPostAsync("experiments/search", new { max_results = 2 });
        Assert.Equal(200, first.Status);
        Assert.Equal(2, first["experiments"].GetArrayLength());
        var token = first["next_page_token"].GetString();
        var second = await _client.ApiGetAsync($"experiments/search?max_results=2&page_token={token}");
        Assert.Equal(200, second.Status);
        Assert.Equal(2, second["experiments"].GetArrayLength());

        var deletedOnly = await _client.ApiGetAsync("experiments/search?view_type=DELETED_ONLY");
        Assert.Contains(deletedOnly["experiments"].EnumerateArray(), e => e.GetProperty("experiment_id").GetString() == deleted);
        var activeOnly = await _client.ApiPostAsync("experiments/search", new { view_type = "ACTIVE_ONLY", max_results = 1000 });
        Assert.DoesNotContain(activeOnly["experiments"].EnumerateArray(), e => e.GetProperty("experiment_id").GetString() == deleted);
    }

    [Theory]
    [InlineData("experiments/search?max_results=0")]
    [InlineData("experiments/search?max_results=50001")]
    [InlineData("experiments/search?max_results=abc")]
    [InlineData("experiments/search?view_type=SOMETIMES")]
    [InlineData("experiments/search?page_token=%21%21")]
    public async Task Search_BadArguments_AreInvalidParameterValue(string query)
    {
        var answer = await _client.ApiGetAsync(query);
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
    }

    [Fact]
    public async Task Update_Delete_Restore_RoundTrip()
    {
        var id = await _client.CreateExperimentAsync("lifecycle-api");
        Assert.Equal(200, (await _client.ApiPostAsync("experiments/update", new { experiment_id = id, new_name = "lifecycle-api-2" })).Status);
        Assert.Equal("lifecycle-api-2", (await _client.ApiGetAsync($"experiments/get?experiment_id={id}"))["experiment"].GetProperty("name").GetString());
        Assert.Equal(200, (await _client.ApiPostAsync("experiments/delete", new { experiment_id = id })).Status);
        Assert.Equal("deleted", (await _client.ApiGetAsync($"experiments/get?experiment_id={id}"))["experiment"].GetProperty("lifecycle_stage").GetString());
        Assert.Equal(200, (await _client.ApiPostAsync("experiments/restore", new { experiment_id = id })).Status);
        Assert.Equal("active", (await _client.ApiGetAsync($"experiments/get?experiment_id={id}"))["experiment"].GetProperty("lifecycle_stage").GetString());

        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("experiments/update", new { experiment_id = id })).ErrorCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiPostAsync("experiments/delete", new { experiment_id = "98765" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("experiments/restore", new { experiment_id = id })).ErrorCode);
    }

    [Fact]
    public async Task ExperimentTags_SetAndDelete_WithErrors()
    {
        var id = await _client.CreateExperimentAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "v" })).Status);
        Assert.Equal("v", (await _client.ApiGetAsync($"experiments/get?experiment_id={id}"))["experiment"].GetProperty("tags")[0].GetProperty("value").GetString());
        Assert.Equal(200, (await _client.ApiPostAsync("experiments/delete-experiment-tag", new { experiment_id = id, key = "k" })).Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiPostAsync("experiments/delete-experiment-tag", new { experiment_id = id, key = "k" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "bad!key", value = "v" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = new string('v', 5001) })).ErrorCode);
    }

    [Fact]
    public async Task AjaxApiPrefix_ServesTheSameApi()
    {
        var answer = await _client.ApiGetAsync("/ajax-api/2.0/mlflow/experiments/get?experiment_id=0");
        Assert.Equal(200, answer.Status);
        Assert.Equal("Default", answer["experiment"].GetProperty("name").GetString());
    }
}
