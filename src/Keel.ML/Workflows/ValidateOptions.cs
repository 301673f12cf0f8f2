using Keel.Data;
using Keel.Core.Validation.Gates;

namespace Keel.ML.Workflows;

/// <summary>What one <see cref="ValidateSession"/> checks, and how.</summary>
public sealed class ValidateOptions
{
    /// <summary>The model version: <c>models:/NAME/VERSION</c>, <c>models:/NAME@ALIAS</c>, <c>models:/NAME/STAGE</c> or <c>models:/NAME/latest</c>.</summary>
    public required string ModelUri { get; init; }

    /// <summary>The data set: a CSV file with a header, or a Parquet file.</summary>
    public required string DataPath { get; init; }

    /// <summary>Metric bounds that replace the model's own threshold for the same metric.</summary>
    /// <value>None: the model's <c>performance_thresholds</c> only.</value>
    public IReadOnlyList<MetricThreshold> Thresholds { get; init; } = [];

    /// <summary>Whether to store the report and status on the model version.</summary>
    /// <value>true.</value>
    public bool Record { get; init; } = true;

    /// <summary>The schema gate's options.</summary>
    /// <value>The <see cref="SchemaOptions"/> defaults (extra columns warn).</value>
    public SchemaOptions Schema { get; init; } = new();

    /// <summary>The data-quality gate's tolerances.</summary>
    /// <value>The <see cref="QualityOptions"/> defaults.</value>
    public QualityOptions Quality { get; init; } = new();

    /// <summary>The user the version tags are recorded under.</summary>
    /// <value><c>keel</c>.</value>
    public string User { get; init; } = "keel";

    /// <summary>Which cells of the data are missing (<c>--na-values</c>, <c>--keep-default-na</c>).</summary>
    /// <value>Null: the rule the model's training data was read with (recorded in its <c>keel-ml.json</c>), else the default, an empty cell only.</value>
    public MissingValues? Missing { get; init; }

    /// <summary>The clock naming the stored report.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
