using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Reliability;

/// <summary>
/// Issue 10, item 1: about 1,100 idle connections at an open-file limit of 1,024 made the server
/// stop answering and grow 40–50 MB/s until it died: Kestrel's accept loop spun on EMFILE. The
/// connection cap stops accepting at the cap, so descriptors are never exhausted.
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
        long maxResident = 0;
        using (var flood = IdleFlood.Open(server.Address.Port, 3 * DescriptorLimit))
        {
            // The server holds its cap and leaves the rest in the listen backlog. Without the cap it
            // accepts until accept() fails with EMFILE, spins, and dies ("Out of memory.").
            var capped = await IdleFlood.WaitUntilAsync(
                () => server.Output.Any(l => l.Contains("Connection limit of", StringComparison.Ordinal)) || !server.IsRunning,
                TimeSpan.FromSeconds(20));
            Assert.True(capped && server.IsRunning, "The server did not cap the flood:\n" + string.Join('\n', server.Output));

            // Three seconds of flood: the process stays up, with its memory bounded.
            var end = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < end && server.IsRunning)
            {
                maxDescriptors = Math.Max(maxDescriptors, ProcessMemory.OpenDescriptors(server.Id) ?? 0);
                maxResident = Math.Max(maxResident, ProcessMemory.ResidentBytes(server.Id) ?? 0);
                await Task.Delay(50);
            }

            Assert.True(server.IsRunning, "The server died under the flood:\n" + string.Join('\n', server.Output));
            Assert.True(maxResident < 1L << 30, $"Resident memory under the flood reached {maxResident} bytes.");
            Assert.True(maxDescriptors < DescriptorLimit - 1, $"The server used {maxDescriptors} of {DescriptorLimit} descriptors.");
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
