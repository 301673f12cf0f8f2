using Keel.Cli.Tests.Infrastructure;
using Keel.Client;
using Keel.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Keel.Cli.Tests.Client;

public sealed class ErrorMappingTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task RealServer_UnknownEndpoint_IsEndpointNotFound()
    {
        // A base path the server does not serve: every API path under it is unknown.
        using var client = new KeelClient(new Uri(server.BaseAddress, "not-keel/"), new KeelClientOptions { MaxRetryAttempts = 0 });

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentAsync("0", _ct));

        Assert.Equal(ErrorCode.EndpointNotFound, e.Code);
    }

    [Theory]
    [InlineData("INVALID_PARAMETER_VALUE", 400, ErrorCode.InvalidParameterValue)]
    [InlineData("RESOURCE_ALREADY_EXISTS", 400, ErrorCode.ResourceAlreadyExists)]
    [InlineData("RESOURCE_DOES_NOT_EXIST", 404, ErrorCode.ResourceDoesNotExist)]
    [InlineData("PERMISSION_DENIED", 403, ErrorCode.PermissionDenied)]
    [InlineData("UNAUTHENTICATED", 401, ErrorCode.Unauthenticated)]
    [InlineData("NOT_IMPLEMENTED", 501, ErrorCode.NotImplemented)]
    [InlineData("SOMETHING_NEW", 500, ErrorCode.InternalError)]
    public async Task MlflowErrorBody_MapsToTheMatchingErrorCodeAndMessage(string wireName, int status, ErrorCode expected)
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, status, $$"""{"error_code":"{{wireName}}","message":"the server's words"}"""));
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRunAsync("abc", _ct));

        Assert.Equal(expected, e.Code);
        Assert.Equal("the server's words", e.Message);
    }

    [Fact]
    public async Task HtmlNotFoundPage_IsEndpointNotFoundWithTheStatusInTheMessage()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.ContentType = "text/html";
            return ctx.Response.WriteAsync("<html><body>Not here</body></html>", _ct);
        });
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRunAsync("abc", _ct));

        Assert.Equal(ErrorCode.EndpointNotFound, e.Code);
        Assert.Contains("HTTP 404", e.Message, StringComparison.Ordinal);
        Assert.Contains("/api/2.0/mlflow/runs/get", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainTextServerError_IsInternalErrorCarryingTheText()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return ctx.Response.WriteAsync("boom\nsecond line", _ct);
        });
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRunAsync("abc", _ct));

        Assert.Equal(ErrorCode.InternalError, e.Code);
        Assert.Contains("boom second line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessWithUnexpectedBody_IsInternalError()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, 200, "[1,2"));
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRunAsync("abc", _ct));

        Assert.Equal(ErrorCode.InternalError, e.Code);
    }
}
