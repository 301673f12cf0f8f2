namespace Keel.Storage.Postgres.Transfer;

/// <summary>One table moved: its rows and order-independent checksum, read from the source and read back from the target.</summary>
/// <param name="Table">The table.</param>
/// <param name="SourceRows">Rows read from the SQLite store.</param>
/// <param name="TargetRows">Rows read back from PostgreSQL after the copy.</param>
/// <param name="SourceChecksum">The checksum of the source rows (hex, 128 bits).</param>
/// <param name="TargetChecksum">The checksum of the rows read back.</param>
public sealed record TableTransfer(string Table, long SourceRows, long TargetRows, string SourceChecksum, string TargetChecksum)
{
    /// <summary>True when the counts and the checksums agree.</summary>
    public bool Verified => SourceRows == TargetRows && string.Equals(SourceChecksum, TargetChecksum, StringComparison.Ordinal);
}

/// <summary>A source table that is not copied as rows, and why.</summary>
/// <param name="Table">The table.</param>
/// <param name="Reason">Why it is not copied (e.g. its content is carried by a PostgreSQL sequence).</param>
public sealed record SkippedTable(string Table, string Reason);

/// <summary>What <see cref="SqliteToPostgres.MoveAsync"/> did.</summary>
/// <param name="Source">The SQLite file.</param>
/// <param name="SourceSchemaVersion">Its Keel schema version.</param>
/// <param name="TargetSchemaVersion">The PostgreSQL schema version.</param>
/// <param name="Tables">Every table copied, in copy order (parents before children).</param>
/// <param name="Skipped">Source tables not copied as rows, with the reason.</param>
/// <param name="Committed">True when every table verified and the copy was committed; false when it was rolled back.</param>
/// <param name="Elapsed">Wall time of the move.</param>
public sealed record StoreTransferReport(
    string Source,
    int SourceSchemaVersion,
    int TargetSchemaVersion,
    IReadOnlyList<TableTransfer> Tables,
    IReadOnlyList<SkippedTable> Skipped,
    bool Committed,
    TimeSpan Elapsed)
{
    /// <summary>Rows copied over all tables.</summary>
    public long Rows => Tables.Sum(t => t.TargetRows);
}
