using Keel.Server.Infrastructure;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Reliability;

/// <summary>Binding a non-loopback address warns that anyone who can reach it can change everything (issue 10, item 9).</summary>
public sealed class NonLoopbackWarningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-bind-").FullName;

    [Fact]
    public async Task ServerBoundToAllInterfaces_LogsTheWarning_LoopbackDoesNot()
    {
        using (var open = await ServerProcess.StartAsync(_folder, null, "--Keel:Host=0.0.0.0", "--Keel:Auth:InsecureNoAuth=true"))
        {
            Assert.True(
                await IdleFlood.WaitUntilAsync(() => open.Output.Any(l => l.Contains("which is not a loopback address", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
                "No warning for 0.0.0.0:\n" + string.Join('\n', open.Output));
            Assert.Contains(open.Output, l => l.Contains("anyone who can reach it can read and change everything", StringComparison.Ordinal));
        }

        using var loopback = await ServerProcess.StartAsync(_folder);
        Assert.True(await IdleFlood.WaitUntilAsync(() => loopback.Output.Any(l => l.Contains("Open-file limit", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(loopback.Output, l => l.Contains("not a loopback address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NonLoopbackAddresses_ListsWhatKestrelBound()
    {
        await using (var open = await KestrelHost.StartAsync("0.0.0.0", "--Keel:Auth:InsecureNoAuth=true"))
        {
            var address = Assert.Single(Hosting.NonLoopbackAddresses(open.App.Services));
            Assert.StartsWith("http://0.0.0.0:", address, StringComparison.Ordinal);
        }

        await using var loopback = await KestrelHost.StartAsync();
        Assert.Empty(Hosting.NonLoopbackAddresses(loopback.App.Services));
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
}
