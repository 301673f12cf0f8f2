using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Reliability;

/// <summary>
/// Issue 10, item 1: about 1,100 idle connections at an open-file limit of 1,024 made the server
/// stop answering and grow 40–50 MB/s until it died: Kestrel's accept loop spun on EMFILE. The
/// connection cap keeps a descriptor free to accept with, and over-cap connections are closed at once.
/// </summary>
public sealed class ConnectionFloodTests : IDisposable
{
    private const int DescriptorLimit = 256;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-flood-").FullName;

    [Fact]
    public async Task IdleConnectionFlood_ThreeTimesTheDescriptorLimit_ServerSurvivesWithBoundedMemoryAndAnswersRightAfter()
    {
        using var server = await ServerProcess.StartAsync(_folder, DescriptorLimit);
        var maxDescriptors = 0;
        using (var flood = IdleFlood.Open(server.Address.Port, 3 * DescriptorLimit))
        {
            // The server holds at most its cap and closes every other connection as it accepts it.
            // Without the cap it closes none: they wait in the backlog while accept() fails with EMFILE.
            var turnedAway = await IdleFlood.WaitUntilAsync(
                () =>
                {
                    maxDescriptors = Math.Max(maxDescriptors, ProcessMemory.OpenDescriptors(server.Id) ?? 0);
                    return flood.ClosedByServer >= flood.Count - DescriptorLimit || !server.IsRunning;
                },
                TimeSpan.FromSeconds(20));

            Assert.True(server.IsRunning, "The server died under the flood:\n" + string.Join('\n', server.Output));
            Assert.True(turnedAway, $"The server closed only {flood.ClosedByServer} of {flood.Count} idle connections; it holds the rest or cannot accept them (most open descriptors seen: {maxDescriptors} of {DescriptorLimit}).");
            var rss = ProcessMemory.ResidentBytes(server.Id);
            Assert.True(rss < 1L << 30, $"Resident memory under the flood: {rss} bytes.");
        }

        // The flood is closed: the server answers again within a second.
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(1) };
        var answered = await HealthWithinAsync(client, TimeSpan.FromSeconds(1));
        Assert.True(answered, "/health did not answer within 1 s of the flood closing.");
        Assert.True(server.IsRunning);
        Assert.Contains(server.Output, line => line.Contains("Open-file limit (RLIMIT_NOFILE): soft 256, hard 256", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static async Task<bool> HealthWithinAsync(HttpClient client, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        do
        {
            try
            {
                using var response = await client.GetAsync("health");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < end);
        return false;
    }
}
