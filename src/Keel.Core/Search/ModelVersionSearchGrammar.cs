namespace Keel.Core.Search;

/// <summary>
/// MLflow's SearchModelVersions grammar (<c>SearchModelVersionUtils</c>, <c>_get_search_model_versions_filter_clauses</c>):
/// filter on <c>name</c>, <c>source_path</c>, <c>run_id</c> (also <c>IN</c>), <c>version_number</c>
/// (numeric) and <c>tags.&lt;key&gt;</c>; order_by <c>name</c>, <c>version_number</c>,
/// <c>creation_timestamp</c>, <c>last_updated_timestamp</c>.
/// </summary>
internal sealed class ModelVersionSearchGrammar() : RegistrySearchGrammar("model versions", Filter, Order, orderByAcceptsPrefix: true)
{
    private static readonly SearchComparator[] StringsAndIn = [.. Strings, SearchComparator.In];

    private static readonly Dictionary<string, string> Filter = new(StringComparer.Ordinal)
    {
        [RegistrySearchKeys.Name] = RegistrySearchKeys.Name,
        [RegistrySearchKeys.VersionNumber] = RegistrySearchKeys.VersionNumber,
        [RegistrySearchKeys.RunId] = RegistrySearchKeys.RunId,
        [RegistrySearchKeys.SourcePath] = RegistrySearchKeys.SourcePath,
    };

    private static readonly Dictionary<string, string> Order = new(StringComparer.Ordinal)
    {
        [RegistrySearchKeys.Name] = RegistrySearchKeys.Name,
        [RegistrySearchKeys.VersionNumber] = RegistrySearchKeys.VersionNumber,
        [RegistrySearchKeys.CreationTimestamp] = RegistrySearchKeys.CreationTimestamp,
        [RegistrySearchKeys.LastUpdatedTimestamp] = RegistrySearchKeys.LastUpdatedTimestamp,
    };

    // Declared after the tables it reads: static fields initialise in order.
    public static readonly ModelVersionSearchGrammar Instance = new();

    public override bool IsNumeric(SearchEntityType entity, string key) =>
        entity == SearchEntityType.Attribute && key == RegistrySearchKeys.VersionNumber;

    public override IReadOnlyList<SearchComparator> Comparators(SearchEntityType entity, string key) => entity switch
    {
        SearchEntityType.Attribute when key == RegistrySearchKeys.VersionNumber => Arithmetic,
        SearchEntityType.Attribute when key == RegistrySearchKeys.RunId => StringsAndIn,
        _ => Strings,
    };
}
