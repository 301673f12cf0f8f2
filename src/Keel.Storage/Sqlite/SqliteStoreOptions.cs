using Keel.Core.Storage;

namespace Keel.Storage.Sqlite;

/// <summary>What <see cref="SqliteDatabase"/> checks when it opens the database.</summary>
public enum SqliteStartupCheck
{
    /// <summary>
    /// <see cref="Quick"/> when the file is at most <see cref="SqliteStoreOptions.AutoCheckMaxBytes"/>;
    /// above that, no check, and a warning that says how to run one.
    /// </summary>
    Auto,

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
    /// <see cref="SqliteStartupCheck.Auto"/>: the quick check runs for stores up to
    /// <see cref="AutoCheckMaxBytes"/>. It is linear in the file size and measured at about 17 s per
    /// GB on a shared, heavily loaded 2-core machine (docs/benchmarks.md), too much to pay at every
    /// start of a big store; those get a warning instead and can be checked with
    /// <c>keel admin check</c>, or every start with <see cref="SqliteStartupCheck.Quick"/>.
    /// </value>
    public SqliteStartupCheck StartupCheck { get; set; } = SqliteStartupCheck.Auto;

    /// <summary>The largest database file <see cref="SqliteStartupCheck.Auto"/> checks at start-up.</summary>
    /// <value>256 MiB.</value>
    public long AutoCheckMaxBytes { get; set; } = 256L << 20;

    /// <summary>Where the store logs (the skipped check of a big store); none when null.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; set; }

    /// <summary>Where a full disk is reported; none when null.</summary>
    public StorageHealth? Health { get; set; }
}
