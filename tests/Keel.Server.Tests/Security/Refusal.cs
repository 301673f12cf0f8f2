using System.Net;
using System.Text.Json;
using Keel.Server.Tests.Artifacts;

namespace Keel.Server.Tests.Security;

/// <summary>Sending attacks and checking how they were refused.</summary>
internal static class Refusal
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends <paramref name="pathAndQuery"/> exactly as written (no dot-segment removal, no unescaping).</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendRawAsync(
        HttpClient client, HttpMethod method, string pathAndQuery, HttpContent? content = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = HttpAssert.Raw(method, client.BaseAddress!, pathAndQuery);
        request.Content = content;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    /// <summary>
    /// Asserts a refusal: one of <paramref name="statuses"/>, and a body that is either empty (Kestrel's
    /// own 400 for a request line it will not parse) or MLflow's error JSON with one of <paramref name="codes"/>.
    /// Returns the error code (null for an empty body).
    /// </summary>
    public static string? Assert(HttpStatusCode status, string body, HttpResponseMessage response, int[] statuses, string[] codes, string what)
    {
        Xunit.Assert.True(statuses.Contains((int)status), $"{what}: expected one of {string.Join("/", statuses)}, got {(int)status}: {body}");
        if (body.Length == 0)
        {
            Xunit.Assert.Equal(HttpStatusCode.BadRequest, status);
            return null;
        }

        Xunit.Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var code = json.RootElement.GetProperty("error_code").GetString();
        Xunit.Assert.True(codes.Contains(code), $"{what}: error_code {code} is not one of {string.Join("/", codes)}: {body}");
        return code;
    }
}
