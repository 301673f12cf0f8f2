namespace Keel.Core.Protocol;

/// <summary>One entry of an artifact listing. <c>file_size</c> is absent for directories.</summary>
public sealed record FileInfo(string Path, bool IsDir, long? FileSize = null);

/// <summary>Response of <c>GET /api/2.0/mlflow/artifacts/list</c>.</summary>
public sealed record ListArtifactsResponse(string? RootUri, IReadOnlyList<FileInfo>? Files, string? NextPageToken = null);

/// <summary>Response of <c>GET /api/2.0/mlflow-artifacts/artifacts?path=</c>.</summary>
public sealed record ListProxiedArtifactsResponse(IReadOnlyList<FileInfo>? Files);

/// <summary>MLflow's error body.</summary>
public sealed record ErrorResponse(string ErrorCode, string Message);
