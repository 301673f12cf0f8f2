using Keel.Core.Paging;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

/// <summary>Typed parameters (so a null still has a type) and the paging every store shares.</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Text(this NpgsqlCommand cmd, string name, string? value) => cmd.Add(name, NpgsqlDbType.Text, value);

    public static NpgsqlCommand Long(this NpgsqlCommand cmd, string name, long? value) => cmd.Add(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand Int(this NpgsqlCommand cmd, string name, int? value) => cmd.Add(name, NpgsqlDbType.Integer, value);

    public static NpgsqlCommand Double(this NpgsqlCommand cmd, string name, double? value) => cmd.Add(name, NpgsqlDbType.Double, value);

    public static NpgsqlCommand Bool(this NpgsqlCommand cmd, string name, bool? value) => cmd.Add(name, NpgsqlDbType.Boolean, value);

    /// <summary>An array parameter (for <c>unnest</c> and <c>= ANY</c>): one round trip for many rows.</summary>
    public static NpgsqlCommand Array<T>(this NpgsqlCommand cmd, string name, NpgsqlDbType element, T[] values)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | element) { Value = values });
        return cmd;
    }

    public static string? GetNullableString(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? GetNullableInt64(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public static double? GetNullableDouble(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    public static bool? GetNullableBoolean(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetBoolean(i);

    /// <summary>A page from <paramref name="items"/> read with one row more than <paramref name="maxResults"/>.</summary>
    public static PagedResult<T> Page<T>(List<T> items, int maxResults, long offset)
    {
        if (items.Count <= maxResults)
        {
            return new PagedResult<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new PagedResult<T>(items, PageToken.FromOffset(offset + maxResults));
    }

    /// <summary>Reads every row of <paramref name="cmd"/> with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand cmd, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(read(reader));
            }
        }

        return items;
    }

    private static NpgsqlCommand Add(this NpgsqlCommand cmd, string name, NpgsqlDbType type, object? value)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return cmd;
    }
}
