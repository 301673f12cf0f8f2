using Keel.Core.Json;
using Keel.Core.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keel.Server.Infrastructure;

/// <summary>Typed JSON answers with Keel's MLflow conventions.</summary>
internal static class Json
{
    public static JsonHttpResult<T> Ok<T>(T value) => TypedResults.Json(value, KeelJson.Options);

    public static JsonHttpResult<EmptyResponse> Empty() => TypedResults.Json(EmptyResponse.Instance, KeelJson.Options);
}
