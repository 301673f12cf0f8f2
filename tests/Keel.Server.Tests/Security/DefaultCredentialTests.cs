using System.Net;
using Keel.Server.Auth;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Security;

/// <summary>
/// Default credentials (MLflow's basic-auth app ships admin/password1234): a fresh server with auth
/// on accepts no user at all until the first admin is made, by <c>keel admin create-user</c> or the
/// one-time setup token; and nobody can make MLflow's default password theirs.
/// </summary>
public sealed class DefaultCredentialTests(FreshAuthServer server) : IClassFixture<FreshAuthServer>
{
    public static TheoryData<string, string> Guesses => new()
    {
        { "admin", "password1234" },
        { "admin", "password" },
        { "admin", "admin" },
        { "admin", "" },
        { "root", "root" },
        { "mlflow", "mlflow" },
        { "keel", "keel" },
        { "", "" },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Guesses))]
    public async Task AFreshServer_AcceptsNoDefaultOrGuessedCredentials(string user, string password)
    {
        Assert.Equal(0, await server.Auth.Store.CountUsersAsync(Ct));
        foreach (var path in new[] { "experiments/search?max_results=1", "users/get?username=admin" })
        {
            // 429 once the guesses lock the name out (five wrong passwords): refused all the same.
            var answer = await server.Basic(user, password).ApiGetAsync(path);
            Assert.True(answer is { Status: 401, ErrorCode: "UNAUTHENTICATED" } or { Status: 429, ErrorCode: "REQUEST_LIMIT_EXCEEDED" }, $"{user}:{password} {path}: {answer.Status} {answer.Body}");
        }

        var create = await server.Basic(user, password).ApiPostAsync("users/create", new { username = "intruder", password = "intruder-password-1" });
        Assert.True(create.Status is 401 or 429, create.Body);
        Assert.Null(await server.Auth.Store.GetUserAsync("intruder", Ct));
    }

    [Theory]
    [InlineData("keel_setup_0000")]
    [InlineData("keel_0123456789abcdef_guess")]
    [InlineData("password1234")]
    public async Task AFreshServer_AcceptsNoGuessedBearerToken(string token)
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var answer = await client.ApiGetAsync("experiments/search?max_results=1");
        Assert.Equal((401, "UNAUTHENTICATED"), (answer.Status, answer.ErrorCode));
    }

    [Fact]
    public async Task TheSetupToken_IsNotACredential_AndAGuessedOneCreatesNobody()
    {
        var setup = server.Services.GetRequiredService<SetupToken>();
        Assert.True(setup.Pending);
        var token = (await setup.IssueAsync(Ct))!;
        using (var bearer = server.Anonymous())
        {
            bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(401, (await bearer.ApiGetAsync("experiments/search?max_results=1")).Status);
        }

        foreach (var guess in new[] { "", "keel_setup_", token[..^1], token + "x", token.ToUpperInvariant() })
        {
            var answer = await server.Anonymous().ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = guess, username = "root", password = "root-password-123" });
            Assert.True(answer.Status is 400 or 403, $"'{guess}': {answer.Status} {answer.Body}");
        }

        Assert.Equal(0, await server.Auth.Store.CountUsersAsync(Ct));
    }

    [Fact]
    public async Task MlflowsDefaultPassword_CannotBeChosen_ByTheSetupCall_OrByCreateUser()
    {
        var setup = server.Services.GetRequiredService<SetupToken>();
        var answer = await server.Anonymous().ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = (await setup.IssueAsync(Ct))!, username = "admin", password = "password1234" });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (answer.Status, answer.ErrorCode));
        Assert.Contains("default password", answer.Body, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<Keel.Core.Errors.KeelException>(() => server.Auth.CreateUserAsync("admin", "PASSWORD1234", isAdmin: true, Ct));
        Assert.Equal(Keel.Core.Errors.ErrorCode.InvalidParameterValue, e.Code);
        Assert.Equal(0, await server.Auth.Store.CountUsersAsync(Ct));
        Assert.True((await server.Basic("admin", "password1234").GetAsync("/api/2.0/mlflow/experiments/search", Ct)).StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests);
    }
}
