using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Registry;

public sealed class RegistrySearchApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static string Escape(string text) => Uri.EscapeDataString(text);

    private async Task<string> ModelAsync(string prefix, int versions, object? tags = null)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name, tags = tags ?? Array.Empty<object>() })).Status);
        for (var i = 0; i < versions; i++)
        {
            Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/{i}" })).Status);
        }

        return name;
    }

    [Fact]
    public async Task SearchRegisteredModels_NameLike_OrderedByNameDescending()
    {
        var marker = "rs" + Guid.NewGuid().ToString("N")[..6];
        var first = await ModelAsync(marker + "-a", 0);
        var second = await ModelAsync(marker + "-b", 0);
        await ModelAsync("other", 0);

        var answer = await _client.ApiGetAsync($"registered-models/search?filter={Escape($"name LIKE '%{marker}%'")}&order_by={Escape("name DESC")}");
        Assert.Equal(200, answer.Status);
        var names = answer["registered_models"].EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal([second, first], names);
    }

    [Fact]
    public async Task SearchModelVersions_NameAndTag_ReturnsTheTaggedVersion()
    {
        var name = await ModelAsync("tagged", 3);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/set-tag", new { name, version = "2", key = "k", value = "v" })).Status);

        var answer = await _client.ApiGetAsync($"model-versions/search?filter={Escape($"name='{name}' AND tags.k='v'")}");
        Assert.Equal(200, answer.Status);
        var version = Assert.Single(answer["model_versions"].EnumerateArray());
        Assert.Equal("2", version.GetProperty("version").GetString());
        Assert.Equal(name, version.GetProperty("name").GetString());
    }

    [Fact]
    public async Task SearchModelVersions_VersionNumberAndOrder_PagesWithToken()
    {
        var name = await ModelAsync("paged", 4);
        var filter = Escape($"name = '{name}' AND version_number >= 2");
        var first = await _client.ApiGetAsync($"model-versions/search?filter={filter}&order_by={Escape("version_number ASC")}&max_results=2");
        Assert.Equal(["2", "3"], first["model_versions"].EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        var token = first["next_page_token"].GetString();
        var second = await _client.ApiGetAsync($"model-versions/search?filter={filter}&order_by={Escape("version_number ASC")}&max_results=2&page_token={Escape(token!)}");
        Assert.Equal(["4"], second["model_versions"].EnumerateArray().Select(v => v.GetProperty("version").GetString()));
    }

    [Theory]
    [InlineData("registered-models/search?filter=", "name = 'a' OR name = 'b'")]
    [InlineData("registered-models/search?filter=", "run_id = 'x'")]
    [InlineData("model-versions/search?filter=", "version_number = 'one'")]
    [InlineData("registered-models/search?order_by=", "creation_timestamp")]
    public async Task Search_BadFilterOrOrder_Is400InvalidParameterValue(string path, string value)
    {
        var answer = await _client.ApiGetAsync(path + Escape(value));
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
        Assert.Contains("position", answer["message"].GetString(), StringComparison.Ordinal);
    }
}
