using Keel.Core.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Keel.Storage.Sqlite;

/// <summary>
/// What <see cref="SqliteDatabase"/> refuses at start-up: an empty file (it would silently
/// become a new, empty store), and a damaged one (SQLite's quick or integrity check, or an open
/// that SQLite answers with SQLITE_CORRUPT or SQLITE_NOTADB). Each is one clear error naming the
/// file and what to do, never a crash with a stack trace.
/// </summary>
internal static partial class SqliteStoreChecks
{
    private const int SqliteCorrupt = 11, SqliteFull = 13, SqliteNotADatabase = 26;

    /// <summary>At most this many problems are named in a start-up error.</summary>
    private const int ProblemsShown = 3;

    /// <summary>A 0-byte file is not a store: refuse it rather than initialise a new, empty one over what may be a truncated copy.</summary>
    public static void RefuseEmptyFile(string path)
    {
        var file = new FileInfo(path);
        if (file.Exists && file.Length == 0)
        {
            throw new KeelException(
                ErrorCode.InvalidState,
                $"The database file '{path}' is empty (0 bytes): it is not a Keel store, and Keel will not initialise a new one over what may be a truncated copy. Restore it from a backup, or delete the file to start with a new, empty store.");
        }
    }

    /// <summary>Runs the configured check; a damaged database is an INVALID_STATE error listing the first problems.</summary>
    public static void RefuseDamaged(SqliteConnection connection, string path, SqliteStoreOptions options)
    {
        var check = options.StartupCheck;
        if (check == SqliteStartupCheck.Auto)
        {
            var size = new FileInfo(path).Length;
            if (size > options.AutoCheckMaxBytes)
            {
                if (options.Logger is { } logger)
                {
                    LogCheckSkipped(logger, path, size >> 20, options.AutoCheckMaxBytes >> 20);
                }

                return;
            }

            check = SqliteStartupCheck.Quick;
        }

        var pragma = check switch
        {
            SqliteStartupCheck.Quick => "quick_check",
            SqliteStartupCheck.Full => "integrity_check",
            _ => null,
        };
        if (pragma is null)
        {
            return;
        }

        var problems = Integrity(connection, pragma, ProblemsShown + 1);
        if (problems.Count > 0)
        {
            throw Damaged(path, problems);
        }
    }

    /// <summary>
    /// Runs <c>PRAGMA quick_check</c> or <c>integrity_check</c>; the problems it reports (none for
    /// a healthy database), at most <paramref name="max"/>.
    /// </summary>
    public static List<string> Integrity(SqliteConnection connection, string pragma, int max)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA {pragma}({max})";
        cmd.CommandTimeout = 0;
        var rows = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var row = reader.GetString(0);
            if (row != "ok")
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>The clear error for a failure while opening, or null to let it pass unchanged.</summary>
    public static Exception? StartupError(Exception e, string path) => e switch
    {
        SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADatabase } sqlite => Damaged(path, [sqlite.Message]),
        SqliteException { SqliteErrorCode: SqliteFull } => DiskFull.Error("the database", "the database could not be opened and migrated, so nothing", e),
        _ => null,
    };

    /// <summary>SQLite's reports span lines ("*** in database main ***"); a start-up error is one line.</summary>
    private static string OneLine(string text) =>
        string.Join(' ', text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static KeelException Damaged(string path, IReadOnlyList<string> problems)
    {
        var shown = string.Join("; ", problems.Take(ProblemsShown).Select(OneLine));
        var more = problems.Count > ProblemsShown ? "; and more" : string.Empty;
        return new KeelException(
            ErrorCode.InvalidState,
            $"The database file '{path}' is damaged ({shown}{more}). Keel will not start on it. Restore it from a backup; 'keel admin check --backend-store-uri sqlite:///{path}' prints the full report.");
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "The database {Path} is {SizeMb} MB, over the {LimitMb} MB the automatic start-up check reads; it was not checked. Run 'keel admin check', or set Keel:Storage:StartupCheck=Quick to check at every start")]
    private static partial void LogCheckSkipped(ILogger logger, string path, long sizeMb, long limitMb);
}
