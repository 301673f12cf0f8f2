using Keel.Cli.Infrastructure;

namespace Keel.Cli.Tests.Cli;

public sealed class ServerCommandTests
{
    [Fact]
    public async Task Server_InProcess_PrintsTheBoundAddressOnce_AndStopsOnCancellation()
    {
        var data = Directory.CreateTempSubdirectory("keel-server-cmd-").FullName;
        var stdout = new StringWriter();
        var output = TextWriter.Synchronized(stdout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stderr = new StringWriter();
        var error = TextWriter.Synchronized(stderr);
        var settings = new CliSettings { Out = output, Error = error, GetEnvironmentVariable = _ => null };
        // TextWriter.Synchronized locks on the wrapper, so reading under that lock is safe.
        string Snapshot()
        {
            lock (output)
            {
                return stdout.ToString();
            }
        }

        var run = KeelCli.RunAsync(["server", "--port", "0", "--backend-store-uri", $"sqlite:///{data}/keel.db", "--artifacts-uri", Path.Combine(data, "artifacts")], settings, stop.Token);
        try
        {
            var line = await PollAsync(() => Snapshot().Split('\n').FirstOrDefault(l => l.StartsWith("Keel server listening on ", StringComparison.Ordinal)), run);
            var address = line["Keel server listening on ".Length..].Trim();
            using var client = new Keel.Client.KeelClient(new Uri(address), new Keel.Client.KeelClientOptions { MaxRetryAttempts = 0 });

            Assert.Equal("OK", await client.GetHealthAsync(TestContext.Current.CancellationToken));
            Assert.Single(Snapshot().Split('\n'), l => l.StartsWith("Keel server listening on ", StringComparison.Ordinal));
            string? StoreLine()
            {
                lock (error)
                {
                    return stderr.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("store: ", StringComparison.Ordinal));
                }
            }

            Assert.Equal($"store: sqlite:///{data}/keel.db (--backend-store-uri)", (await PollAsync(StoreLine, run)).TrimEnd());
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(ExitCodes.Success, await run);
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<string> PollAsync(Func<string?> probe, Task<int> running)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
            {
                return found;
            }

            if (running.IsCompleted)
            {
                throw new InvalidOperationException($"keel server ended early with {await running}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("keel server did not print its address within 30 s.");
    }
}
