using System.Text;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>
/// With auth on, feedback for a request id needs EDIT on every served model or deployment that
/// logged it; a caller who cannot read them gets the very 404 of an unknown id.
/// </summary>
public sealed class FeedbackPermissionTests(KeelResourceFixture fixture) : IClassFixture<KeelResourceFixture>, IAsyncDisposable
{
    private const string Keel = "/api/2.0/keel/";
    private const string Grants = "/api/2.0/keel/auth/";
    private AuthServer? _server;

    [Fact]
    public async Task FeedbackOnAServedModelsRequest_NeedsEditOnThatModel_AdminsPass_UnknownIdIs404()
    {
        var admin = await ServeAsync(new AuthServer(), "bc", "other");
        var reader = await UserWithAsync("reader", "served-models", "bc", "READ");
        var editor = await UserWithAsync("editor", "served-models", "bc", "EDIT");
        var elsewhere = await UserWithAsync("elsewhere", "served-models", "other", "EDIT");
        await ScoreAsync(admin, "/serving/bc/invocations", "req-bc");

        var denied = await FeedbackAsync(reader, "req-bc");
        Assert.Equal((403, "PERMISSION_DENIED"), (denied.Status, denied.ErrorCode));
        Assert.Equal(403, (await FeedbackAsync(elsewhere, "req-bc")).Status);
        var accepted = await FeedbackAsync(editor, "req-bc");
        Assert.True(accepted.Status == 200, accepted.Body);
        Assert.Equal(200, (await FeedbackAsync(admin, "req-bc")).Status);
        var unknown = await FeedbackAsync(editor, "req-never");
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (unknown.Status, unknown.ErrorCode));
        Assert.Equal(404, (await FeedbackAsync(admin, "req-never")).Status);
    }

    [Fact]
    public async Task FeedbackOnADeploymentsRequest_NeedsEditOnTheDeployment()
    {
        var admin = await ServeAsync(new AuthServer());
        var spec = new { spec = new { name = "dep", model = KeelResourceFixture.Model, version = "1", alias = "dep-live", steps = new[] { new { set_weight = 5 } } } };
        var created = await admin.ApiPostAsync(Keel + "deployments/create", spec);
        Assert.True(created.Status == 200, created.Body);
        var reader = await UserWithAsync("reader", "deployments", "dep", "READ");
        var editor = await UserWithAsync("editor", "deployments", "dep", "EDIT");
        await ScoreAsync(admin, "/deployments/dep/invocations", "req-dep");

        Assert.Equal(403, (await FeedbackAsync(reader, "req-dep")).Status);
        var accepted = await FeedbackAsync(editor, "req-dep");
        Assert.True(accepted.Status == 200, accepted.Body);
    }

    [Fact]
    public async Task ACallerWhoCannotReadWhatLoggedTheRequest_GetsTheSame404AsForAnUnknownId()
    {
        var admin = await ServeAsync(new AuthServer(new() { ["Keel:Auth:DefaultPermission"] = "NoPermissions" }), "bc");
        var stranger = await _server!.UserAsync("stranger");
        await ScoreAsync(admin, "/serving/bc/invocations", "req-hidden");

        var hidden = await FeedbackAsync(stranger, "req-hidden");
        var unknown = await FeedbackAsync(stranger, "req-unknwn");

        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (hidden.Status, hidden.ErrorCode));
        Assert.Equal(unknown.Body.Replace("req-unknwn", "req-hidden", StringComparison.Ordinal), hidden.Body);
        Assert.Equal(200, (await FeedbackAsync(admin, "req-hidden")).Status);
    }

    private async Task<HttpClient> ServeAsync(AuthServer server, params string[] served)
    {
        _server = server;
        var admin = server.Admin();
        await fixture.RegisterAsync(server);
        foreach (var name in served)
        {
            var loaded = await admin.ApiPostAsync(Keel + "serving/models", new { name, model_uri = $"models:/{KeelResourceFixture.Model}/1" });
            Assert.True(loaded.Status == 200, loaded.Body);
        }

        return admin;
    }

    private async Task<HttpClient> UserWithAsync(string user, string kind, string name, string level)
    {
        var client = await _server!.UserAsync(user);
        var granted = await _server.Admin().ApiPostAsync(Grants + kind + "/permissions/create", new { name, username = user, permission = level });
        Assert.True(granted.Status == 200, granted.Body);
        return client;
    }

    private async Task ScoreAsync(HttpClient client, string path, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(fixture.SplitBody(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
    }

    private static Task<ApiAnswer> FeedbackAsync(HttpClient client, string requestId) =>
        client.ApiPostAsync(Keel + "serving/feedback", new { request_id = requestId, labels = new[] { 1 } });

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
