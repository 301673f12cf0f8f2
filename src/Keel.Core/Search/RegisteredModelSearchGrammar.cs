namespace Keel.Core.Search;

/// <summary>
/// MLflow's SearchRegisteredModels grammar as its SQL store applies it
/// (<c>_get_search_registered_model_filter_query</c>, <c>_parse_search_registered_models_order_by</c>):
/// filter on <c>name</c> and <c>tags.&lt;key&gt;</c>; order_by <c>name</c>, <c>timestamp</c> or
/// <c>last_updated_timestamp</c> (both the last update time), bare names only.
/// </summary>
internal sealed class RegisteredModelSearchGrammar() : RegistrySearchGrammar("registered models", Filter, Order, orderByAcceptsPrefix: false)
{
    private static readonly Dictionary<string, string> Filter = new(StringComparer.Ordinal)
    {
        [RegistrySearchKeys.Name] = RegistrySearchKeys.Name,
    };

    private static readonly Dictionary<string, string> Order = new(StringComparer.Ordinal)
    {
        [RegistrySearchKeys.Name] = RegistrySearchKeys.Name,
        [RegistrySearchKeys.Timestamp] = RegistrySearchKeys.LastUpdatedTimestamp,
        [RegistrySearchKeys.LastUpdatedTimestamp] = RegistrySearchKeys.LastUpdatedTimestamp,
    };

    // Declared after the tables it reads: static fields initialise in order.
    public static readonly RegisteredModelSearchGrammar Instance = new();
}
