using Keel.Core.Storage;

namespace Keel.Storage.Sqlite;

/// <summary>What <see cref="SqliteTrackingStore"/> checks when it opens the database.</summary>
public enum SqliteStartupCheck
{
    /// <summary>No check beyond what opening and migrating read.</summary>
    None,

    /// <summary>
    /// SQLite's <c>PRAGMA quick_check</c>: every page of every b-tree is read and its structure
    /// checked (not index contents against their tables). Linear in the file size.
    /// </summary>
    Quick,

    /// <summary>SQLite's <c>PRAGMA integrity_check</c>: also checks every index against its table. Slower.</summary>
    Full,
}

/// <summary>Options of the embedded SQLite store (configuration section <c>Keel:Storage</c> in the server).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section the server binds: <c>Keel:Storage</c>.</summary>
    public const string Section = "Keel:Storage";

    /// <summary>
    /// The integrity check run at start-up, before migrations; a damaged database stops the start
    /// with a clear error instead of failing requests later.
    /// </summary>
    /// <value>
    /// <see cref="SqliteStartupCheck.Quick"/>: it costs about a second per GB on a shared 2-core
    /// machine (docs/benchmarks.md), paid once per start.
    /// </value>
    public SqliteStartupCheck StartupCheck { get; set; } = SqliteStartupCheck.Quick;

    /// <summary>Where a full disk is reported; none when null.</summary>
    public StorageHealth? Health { get; set; }
}
