namespace Keel.Core.Search;

/// <summary>MLflow's SearchRuns grammar (mlflow/utils/search_utils.py, <c>SearchUtils</c>).</summary>
internal sealed class RunSearchGrammar : SearchGrammar
{
    public static readonly RunSearchGrammar Instance = new();

    private static readonly Dictionary<string, SearchEntityType> Entities = new(StringComparer.Ordinal)
    {
        ["attribute"] = SearchEntityType.Attribute,
        ["attributes"] = SearchEntityType.Attribute,
        ["attr"] = SearchEntityType.Attribute,
        ["run"] = SearchEntityType.Attribute,
        ["metric"] = SearchEntityType.Metric,
        ["metrics"] = SearchEntityType.Metric,
        ["parameter"] = SearchEntityType.Param,
        ["parameters"] = SearchEntityType.Param,
        ["param"] = SearchEntityType.Param,
        ["params"] = SearchEntityType.Param,
        ["tag"] = SearchEntityType.Tag,
        ["tags"] = SearchEntityType.Tag,
        ["dataset"] = SearchEntityType.Dataset,
        ["datasets"] = SearchEntityType.Dataset,
    };

    // Searchable RunInfo attributes plus MLflow's aliases, mapped to canonical names.
    private static readonly Dictionary<string, string> FilterAttributes = new(StringComparer.Ordinal)
    {
        [SearchKeys.RunId] = SearchKeys.RunId,
        [SearchKeys.RunName] = SearchKeys.RunName,
        [SearchKeys.UserId] = SearchKeys.UserId,
        [SearchKeys.Status] = SearchKeys.Status,
        [SearchKeys.StartTime] = SearchKeys.StartTime,
        [SearchKeys.EndTime] = SearchKeys.EndTime,
        [SearchKeys.ArtifactUri] = SearchKeys.ArtifactUri,
        ["created"] = SearchKeys.StartTime,
        ["Created"] = SearchKeys.StartTime,
        ["run name"] = SearchKeys.RunName,
        ["Run name"] = SearchKeys.RunName,
        ["Run Name"] = SearchKeys.RunName,
    };

    // MLflow's orderable attributes: the searchable ones and "created", but not the "run name" spellings.
    private static readonly Dictionary<string, string> OrderAttributes =
        FilterAttributes.Where(p => !p.Key.Contains(' ', StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static readonly string[] DatasetKeys = [SearchKeys.DatasetName, SearchKeys.DatasetDigest, SearchKeys.DatasetContext];

    public override (SearchEntityType Entity, string Key) Resolve(in SearchToken token, bool forOrderBy, SearchErrors errors)
    {
        var entity = SearchEntityType.Attribute;
        if (token.Entity is not null && !Entities.TryGetValue(token.Entity, out entity))
        {
            throw errors.At(token, $"invalid entity type '{token.Entity}'. Valid values are metric(s), param(s)/parameter(s), tag(s), attribute(s)/attr/run and dataset(s).");
        }

        var key = token.Value;
        switch (entity)
        {
            case SearchEntityType.Attribute:
                var valid = forOrderBy ? OrderAttributes : FilterAttributes;
                if (!valid.TryGetValue(key, out var canonical))
                {
                    throw errors.At(token, $"invalid attribute key '{key}'. Valid keys are {List(valid.Keys.Order(StringComparer.Ordinal))}.");
                }

                return (entity, canonical);
            case SearchEntityType.Dataset:
                if (forOrderBy)
                {
                    throw errors.At(token, "runs cannot be ordered by dataset fields; order by attributes, metrics, params or tags.");
                }

                if (!DatasetKeys.Contains(key, StringComparer.Ordinal))
                {
                    throw errors.At(token, $"invalid dataset key '{key}'. Valid keys are {List(DatasetKeys)}.");
                }

                return (entity, key);
            default:
                if (key.Length == 0)
                {
                    throw errors.At(token, "the key is empty.");
                }

                return (entity, key);
        }
    }

    public override bool IsNumeric(SearchEntityType entity, string key) =>
        entity == SearchEntityType.Metric || (entity == SearchEntityType.Attribute && IsNumericAttribute(key));

    public override IReadOnlyList<SearchComparator> Comparators(SearchEntityType entity, string key) => entity switch
    {
        SearchEntityType.Metric => Arithmetic,
        SearchEntityType.Param or SearchEntityType.Tag => Strings,
        SearchEntityType.Dataset => StringsAndLists,
        _ => IsNumericAttribute(key) ? Arithmetic : StringsAndLists,
    };

    public override string? ListNotAllowed(SearchEntityType entity, string key) =>
        entity == SearchEntityType.Attribute && key != SearchKeys.RunId
            ? "only the 'run_id' attribute supports comparison with a list of quoted string values."
            : null;

    private static bool IsNumericAttribute(string key) => key is SearchKeys.StartTime or SearchKeys.EndTime;
}
