using Keel.Core.Storage;
using Keel.Core.Validation;
using Keel.Storage.Artifacts.S3;
using Keel.Storage.Sqlite;

namespace Keel.Stores;

/// <summary>How <see cref="StoreFactory"/> opens stores.</summary>
public sealed class StoreFactoryOptions
{
    /// <summary>The clock the stores stamp times with.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The text and tag-count limits every store's writes enforce.</summary>
    /// <value><see cref="InputLimits.Default"/>.</value>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>Where the database and a local artifact store report a full disk.</summary>
    /// <value>A new <see cref="StorageHealth"/> on <see cref="Time"/> when null.</value>
    public StorageHealth? Health { get; init; }

    /// <summary>The SQLite start-up check and logger (its <see cref="SqliteStoreOptions.Health"/> is replaced by <see cref="Health"/>).</summary>
    /// <value>Defaults of <see cref="SqliteStoreOptions"/> when null.</value>
    public SqliteStoreOptions? Sqlite { get; init; }

    /// <summary>S3 settings for an <c>s3://</c> artifacts URI.</summary>
    /// <value>The environment and the AWS SDK's defaults when null.</value>
    public S3ArtifactStoreOptions? S3 { get; init; }

    /// <summary>Where S3 settings and credentials missing from <see cref="S3"/> are read.</summary>
    /// <value>The process's environment when null.</value>
    public Func<string, string?>? Environment { get; init; }
}
