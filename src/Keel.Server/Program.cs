using Keel.Server;

var app = KeelServerApp.Build(args);
await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
