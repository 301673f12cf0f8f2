using Keel.Data;
using Keel.Monitoring.Data;
using Keel.Monitoring.Drift;

namespace Keel.Cli.Drift;

/// <summary>A parsed <c>keel drift</c> invocation.</summary>
internal sealed class DriftRequest
{
    public required string ReferencePath { get; init; }

    public required string CurrentPath { get; init; }

    public required DriftOptions Options { get; init; }

    public IReadOnlyList<RowFilter> ReferenceFilters { get; init; } = [];

    public IReadOnlyList<RowFilter> CurrentFilters { get; init; } = [];

    public string? JsonPath { get; init; }

    public string? HtmlPath { get; init; }

    /// <summary>Which cells are missing in both files.</summary>
    public MissingValues Missing { get; init; } = MissingValues.Default;
}
