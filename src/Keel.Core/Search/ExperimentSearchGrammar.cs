namespace Keel.Core.Search;

/// <summary>MLflow's SearchExperiments grammar (mlflow/utils/search_utils.py, <c>SearchExperimentsUtils</c>).</summary>
internal sealed class ExperimentSearchGrammar : SearchGrammar
{
    public static readonly ExperimentSearchGrammar Instance = new();

    private static readonly string[] FilterAttributes = [SearchKeys.ExperimentName, SearchKeys.CreationTime, SearchKeys.LastUpdateTime];

    private static readonly string[] OrderAttributes =
        [SearchKeys.ExperimentName, SearchKeys.ExperimentId, SearchKeys.CreationTime, SearchKeys.LastUpdateTime];

    public override (SearchEntityType Entity, string Key) Resolve(in SearchToken token, bool forOrderBy, SearchErrors errors)
    {
        var entity = token.Entity switch
        {
            null or "attribute" => SearchEntityType.Attribute,
            "tag" or "tags" => SearchEntityType.Tag,
            _ => throw errors.At(token, $"invalid entity type '{token.Entity}'. Valid entity types are attribute, tag and tags."),
        };

        var key = token.Value;
        if (entity == SearchEntityType.Tag)
        {
            if (forOrderBy)
            {
                throw errors.At(token, "experiments cannot be ordered by tags; order by name, experiment_id, creation_time or last_update_time.");
            }

            if (key.Length == 0)
            {
                throw errors.At(token, "the key is empty.");
            }

            return (entity, key);
        }

        var valid = forOrderBy ? OrderAttributes : FilterAttributes;
        if (!valid.Contains(key, StringComparer.Ordinal))
        {
            throw errors.At(token, $"invalid attribute key '{key}'. Valid keys are {List(valid)}.");
        }

        return (entity, key);
    }

    public override bool IsNumeric(SearchEntityType entity, string key) =>
        entity == SearchEntityType.Attribute && key is SearchKeys.CreationTime or SearchKeys.LastUpdateTime;

    public override IReadOnlyList<SearchComparator> Comparators(SearchEntityType entity, string key) =>
        IsNumeric(entity, key) ? Arithmetic : Strings;
}
