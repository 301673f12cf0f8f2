namespace Keel.Core.Search;

/// <summary>What a search identifier names: the prefix before the first dot (MLflow's identifier types).</summary>
public enum SearchEntityType
{
    /// <summary>A run or experiment column: <c>attributes.status</c>, or a bare key such as <c>name</c>.</summary>
    Attribute,

    /// <summary>A run's latest metric value: <c>metrics.accuracy</c>.</summary>
    Metric,

    /// <summary>A run parameter: <c>params.lr</c>.</summary>
    Param,

    /// <summary>A run or experiment tag: <c>tags.team</c>.</summary>
    Tag,

    /// <summary>A dataset the run used: <c>datasets.name</c>, <c>datasets.digest</c>, <c>datasets.context</c>.</summary>
    Dataset,
}
