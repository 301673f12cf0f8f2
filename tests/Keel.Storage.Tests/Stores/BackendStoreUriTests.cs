using Keel.Core.Errors;
using Keel.Stores;

namespace Keel.Storage.Tests.Stores;

public sealed class BackendStoreUriTests
{
    public static TheoryData<string, StoreBackend, string> GoodForms => new()
    {
        { "sqlite:////var/lib/keel/keel.db", StoreBackend.Sqlite, "/var/lib/keel/keel.db" },
        { "SQLITE:////var/lib/keel/keel.db", StoreBackend.Sqlite, "/var/lib/keel/keel.db" },
        { "postgresql://keel:pw@db.example:5432/keel", StoreBackend.Postgres, "postgresql://keel:pw@db.example:5432/keel" },
        { "postgres://keel:pw@db.example/keel", StoreBackend.Postgres, "postgresql://keel:pw@db.example/keel" },
        { "postgresql+psycopg2://keel:pw@db.example:5432/keel", StoreBackend.Postgres, "postgresql://keel:pw@db.example:5432/keel" },
        { "postgresql://keel@/keel?host=/run/postgresql", StoreBackend.Postgres, "postgresql://keel@/keel?host=/run/postgresql" },
    };

    public static TheoryData<string, string> BadForms => new()
    {
        { "", "Invalid backend store URI" },
        { "keel.db", "Invalid backend store URI" },
        { "Host=localhost;Database=keel;Username=keel", "connection string (key=value;...) is not a URI" },
        { "mysql://localhost/keel", "Unsupported backend store URI scheme 'mysql'" },
        { "mssql://localhost/keel", "Unsupported backend store URI scheme 'mssql'" },
        { "file:///tmp/keel.db", "Unsupported backend store URI scheme 'file'" },
        { "http://localhost:5000", "Unsupported backend store URI scheme 'http'" },
        { "postgresql+asyncpg://keel@localhost/keel", "the driver 'asyncpg' is not supported" },
        { "postgresql+pg8000://keel@localhost/keel", "the driver 'pg8000' is not supported" },
        { "sqlite+pysqlite:///keel.db", "Keel has one SQLite driver" },
        { "sqlite:///:memory:", "a database file path is required" },
        { "sqlite://keel.db", "Use sqlite:///relative/path.db or sqlite:////absolute/path.db" },
        { "postgresql://keel@localhost:notaport/keel", "port" },
    };

    [Theory]
    [MemberData(nameof(GoodForms))]
    public void Parse_AcceptsMlflowsForms(string uri, StoreBackend backend, string location)
    {
        var parsed = BackendStoreUri.Parse(uri);

        Assert.Equal(backend, parsed.Backend);
        Assert.Equal(location, parsed.Location);
    }

    [Fact]
    public void Parse_ResolvesThreeSlashSqliteAgainstTheWorkingDirectory()
    {
        var parsed = BackendStoreUri.Parse("sqlite:///keel-data/keel.db");

        Assert.Equal(Path.GetFullPath("keel-data/keel.db"), parsed.Location);
    }

    [Theory]
    [MemberData(nameof(BadForms))]
    public void Parse_RefusesOtherFormsClearly(string uri, string message)
    {
        var e = Assert.Throws<KeelException>(() => BackendStoreUri.Parse(uri));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(message, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Display_MasksThePostgresPassword()
    {
        var parsed = BackendStoreUri.Parse("postgresql://keel:s3cret@db.example:5432/keel");

        Assert.Equal("postgresql://keel:***@db.example:5432/keel", parsed.Display);
    }

    [Fact]
    public void ConnectionStringRefusal_DoesNotEchoThePassword()
    {
        var e = Assert.Throws<KeelException>(() => BackendStoreUri.Parse("Host=db;Username=keel;Password=s3cret"));

        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }
}
