namespace Keel.Client;

/// <summary>A model a Keel server serves, as its admin API (<c>/api/2.0/keel/serving/models</c>) describes it.</summary>
/// <param name="Name">The name it is served under (<c>/serving/{name}/invocations</c>, <c>/v2/models/{name}</c>).</param>
/// <param name="Version">The registry version being served.</param>
/// <param name="ModelUri">The <c>models:/</c> URI it was loaded from; null for a local package.</param>
/// <param name="Ready">Whether it is warmed up and answers requests.</param>
/// <param name="Algorithm">The trainer, e.g. <c>FastTree</c>.</param>
/// <param name="Task">binary, multiclass or regression.</param>
/// <param name="Inputs">The input signature's columns.</param>
/// <param name="Outputs">The output signature's columns.</param>
/// <param name="Status">
/// <c>serving</c>; or, for a stored model being restored after a restart, <c>loading</c>, then
/// <c>failed</c> when it could not be loaded (see <paramref name="LastError"/>).
/// </param>
/// <param name="LastError">The last failed load, if any.</param>
public sealed record ServedModelInfo(
    string Name,
    string Version,
    string? ModelUri,
    bool Ready,
    string? Algorithm,
    string? Task,
    IReadOnlyList<ServedColumn>? Inputs,
    IReadOnlyList<ServedColumn>? Outputs,
    string? Status = null,
    ServedModelError? LastError = null);

/// <summary>A failed load of a served model.</summary>
/// <param name="Message">Why it failed.</param>
/// <param name="Timestamp">When (Unix ms).</param>
public sealed record ServedModelError(string Message, long Timestamp);

/// <summary>One column of a served model's signature.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">Its type: double, float, long, integer, boolean or string.</param>
public sealed record ServedColumn(string Name, string Type);
