using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.ML.Data;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Running;

public sealed partial class TrainingRunner
{
    /// <summary>Checks every column the pipeline names against the data (all problems at once) and picks the inputs.</summary>
    internal static List<FeatureColumn> CheckColumns(PipelineDefinition pipeline, TabularData table)
    {
        var data = pipeline.Data;
        var problems = new List<string>();
        void Need(string key, string column)
        {
            if (table.Find(column) is null)
            {
                problems.Add($"{key}: column '{column}' is not in the data (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
            }
        }

        if (data.Label is not null)
        {
            Need("data.label.column", data.Label.Column);
            if (table.Find(data.Label.Column) is { Kind: not ColumnKind.Numeric })
            {
                problems.Add($"data.label.column: '{data.Label.Column}' must be numeric");
            }
        }
        else
        {
            Need("data.target", data.Target);
            if (data.Task == MLTask.Regression && table.Find(data.Target) is { Kind: not ColumnKind.Numeric })
            {
                problems.Add($"data.target: '{data.Target}' must be numeric for regression");
            }
        }

        foreach (var column in data.Columns)
        {
            Need("data.columns", column);
        }

        foreach (var column in data.Drop)
        {
            Need("data.drop", column);
        }

        foreach (var column in data.Types.Keys)
        {
            Need("data.types", column);
        }

        if (pipeline.Split.TimeColumn is { } time)
        {
            Need("split.time_column", time);
            if (table.Find(time) is { Kind: not ColumnKind.DateTime } column)
            {
                problems.Add($"split.time_column: '{time}' holds {column.Kind.ToString().ToLowerInvariant()} values; expected datetime (yyyy-MM-dd[ HH:mm[:ss]])");
            }
        }

        var excluded = new HashSet<string>(data.Drop, StringComparer.Ordinal) { data.Target };
        if (data.Label is not null)
        {
            excluded.Add(data.Label.Column);
        }

        var chosen = data.Columns.Count > 0 ? data.Columns : table.Columns.Select(c => c.Name).ToList();
        var features = chosen.Where(c => !excluded.Contains(c) && table.Find(c) is not null)
            .Select(c => new FeatureColumn(c, table[c].Kind)).ToList();
        if (features.Count == 0 && problems.Count == 0)
        {
            problems.Add("data.columns: no input columns are left after drop and target");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter($"The data does not fit the pipeline: {string.Join("; ", problems)}.");
        }

        return features;
    }
}
