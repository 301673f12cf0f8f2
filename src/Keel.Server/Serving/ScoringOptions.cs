using Keel.Core.Errors;
using Keel.Data;
using Microsoft.Extensions.Options;

namespace Keel.Server.Serving;

/// <summary>
/// Limits on one scoring request (<c>/invocations</c>, <c>/serving/{name}/invocations</c>,
/// <c>/v2/models/{name}/infer</c>). Bound from <c>Keel:Serving</c> (e.g.
/// <c>--Keel:Serving:MaxRowsPerRequest=20000</c>; for <c>keel serve</c> the environment variable
/// <c>Keel__Serving__MaxRowsPerRequest</c>).
/// </summary>
public sealed class ScoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Serving";

    /// <summary>The setting as messages name it.</summary>
    public const string MaxRowsSetting = Section + ":MaxRowsPerRequest";

    /// <summary>
    /// Most rows one request may ask to score; more is REQUEST_TOO_LARGE (413) before any row is
    /// scored. One request of 380,000 rows took 3 s of CPU on 2 cores, holding a core that other
    /// requests wait for; send bigger batches as several requests.
    /// </summary>
    /// <value>100,000 (Keel's own; MLflow's scoring server has no limit).</value>
    public int MaxRowsPerRequest { get; set; } = 100_000;

    /// <summary>
    /// Whether a request naming columns (or OIP tensors) the model's signature does not have is
    /// refused. Off, they are left out, as MLflow's schema enforcement does, and named in the
    /// response header <see cref="IgnoredColumnsHeader"/>.
    /// </summary>
    /// <value>false (MLflow's behaviour).</value>
    public bool StrictColumns { get; set; }

    /// <summary>
    /// Words a <c>text/csv</c> body's cells are read as missing besides an empty cell, comma
    /// separated (e.g. <c>NA,null</c>; <c>pandas</c> = pandas' default list), as in
    /// <c>keel train --na-values</c>: the same rule (Keel.Data's <see cref="MissingValues"/>).
    /// </summary>
    /// <value>Null: the served model's own rule (the one it was trained with, from its <c>keel-ml.json</c>), else an empty cell only.</value>
    public string? CsvNaValues { get; set; }

    /// <summary>Whether an empty <c>text/csv</c> cell is missing (pandas' <c>keep_default_na</c>).</summary>
    /// <value>True.</value>
    public bool CsvKeepDefaultNa { get; set; } = true;

    /// <summary>
    /// The missing-value rule the settings give for <c>text/csv</c> bodies; null when neither
    /// <see cref="CsvNaValues"/> nor <see cref="CsvKeepDefaultNa"/> is set, so each model's own rule applies.
    /// </summary>
    public MissingValues? CsvMissing => CsvNaValues is null && CsvKeepDefaultNa
        ? null
        : _csvMissing ??= MissingValues.FromOptions(CsvNaValues is null ? null : [CsvNaValues], CsvKeepDefaultNa ? null : false);

    private MissingValues? _csvMissing;

    /// <summary>The response header naming the columns a request gave that the model does not take (URL-encoded, comma-separated).</summary>
    public const string IgnoredColumnsHeader = "X-Keel-Ignored-Columns";

    /// <summary>Names <paramref name="ignored"/> in <see cref="IgnoredColumnsHeader"/>; each name URL-encoded, so no name can break the header.</summary>
    public static void ReportIgnored(HttpContext context, IReadOnlyList<string> ignored)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ignored.Count > 0)
        {
            context.Response.Headers[IgnoredColumnsHeader] = string.Join(",", ignored.Take(100).Select(Uri.EscapeDataString));
        }
    }

    /// <summary>The options in effect for <paramref name="context"/>'s host (the defaults when none are registered).</summary>
    public static ScoringOptions For(HttpContext context) =>
        context.RequestServices.GetService<IOptions<ScoringOptions>>()?.Value ?? new ScoringOptions();

    /// <summary>Throws REQUEST_TOO_LARGE when <paramref name="rows"/> is over <see cref="MaxRowsPerRequest"/>.</summary>
    public void CheckRows(long rows)
    {
        if (rows > MaxRowsPerRequest)
        {
            throw new KeelException(ErrorCode.RequestTooLarge, $"The request has {rows} rows; at most {MaxRowsPerRequest} may be scored in one request (setting {MaxRowsSetting}). Split it into smaller requests.");
        }
    }

    /// <summary>Registers the options, bound from <see cref="Section"/> and checked at start-up.</summary>
    internal static IServiceCollection Add(IServiceCollection services)
    {
        services.AddOptions<ScoringOptions>().BindConfiguration(Section).Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        return services;
    }

    /// <summary>Checks the settings at start-up.</summary>
    /// <exception cref="InvalidOperationException">When a setting is out of range.</exception>
    public void Validate()
    {
        if (MaxRowsPerRequest <= 0)
        {
            throw new InvalidOperationException($"{MaxRowsSetting} must be positive, got {MaxRowsPerRequest}.");
        }
    }
}
