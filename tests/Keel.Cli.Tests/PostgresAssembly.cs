using Keel.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresServer))]
