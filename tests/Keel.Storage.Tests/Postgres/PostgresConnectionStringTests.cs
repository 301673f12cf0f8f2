using Keel.Core.Errors;
using Keel.Storage.Postgres;
using Npgsql;

namespace Keel.Storage.Tests.Postgres;

public sealed class PostgresConnectionStringTests
{
    private static NpgsqlConnectionStringBuilder Parse(string address) => new(PostgresConnectionString.Parse(address));

    [Fact]
    public void Uri_WithEveryPart_SetsHostPortDatabaseAndEncodedCredentials()
    {
        var b = Parse("postgresql://keel%40corp:p%3Ass%2Fw@db.example.com:6543/keel_prod?sslmode=require&application_name=keel%20server&search_path=keel");

        Assert.Equal(("db.example.com", 6543, "keel_prod"), (b.Host, b.Port, b.Database));
        Assert.Equal(("keel@corp", "p:ss/w"), (b.Username, b.Password));
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal(("keel server", "keel"), (b.ApplicationName, b.SearchPath));
    }

    [Fact]
    public void Uri_WithoutHost_UsesAUnixSocketFolderFromTheQuery_OrLocalhost()
    {
        Assert.Equal(("/run/postgresql", "keel"), (Parse("postgresql:///keel?host=/run/postgresql").Host, Parse("postgresql:///keel?host=/run/postgresql").Database));
        Assert.Equal(("localhost", 5432), (Parse("postgres://u@/keel").Host, Parse("postgres://u@/keel").Port));
        Assert.Equal(("::1", 5433), (Parse("postgresql://[::1]:5433/k").Host, Parse("postgresql://[::1]:5433/k").Port));
    }

    [Fact]
    public void NpgsqlConnectionString_IsTakenAsItIs() =>
        Assert.Equal(("h", "d"), (Parse("Host=h;Database=d").Host, Parse("Host=h;Database=d").Database));

    [Theory]
    [InlineData("postgresql://h:99999/d", "Invalid port")]
    [InlineData("postgresql://h/d?colour=blue", "Unknown PostgreSQL URI parameter 'colour'")]
    [InlineData("postgresql://h/d?sslmode=sometimes", "Invalid value for PostgreSQL URI parameter 'sslmode'")]
    [InlineData("Nonsense Keyword=1", "Invalid PostgreSQL connection string")]
    public void BadAddresses_AreRefused_WithAClearMessage(string address, string message)
    {
        var e = Assert.Throws<KeelException>(() => PostgresConnectionString.Parse(address));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_HidesThePassword() =>
        Assert.Equal("postgresql://keel:***@h:5432/d", PostgresConnectionString.Redact("postgresql://keel:secret@h:5432/d"));
}
