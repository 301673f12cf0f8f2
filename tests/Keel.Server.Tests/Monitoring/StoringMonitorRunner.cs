using Keel.Core.Monitoring;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring;

/// <summary>
/// An <see cref="IMonitorRunner"/> for the API's wiring tests, standing in for the scheduler's runner
/// (another part of the issue): it writes one traffic window through the server's real store and
/// reports one alert change, so a test shows what <c>run</c> passes and answers, not monitoring arithmetic.
/// </summary>
internal sealed class StoringMonitorRunner(IServiceProvider services) : IMonitorRunner
{
    public List<(string Model, long? End)> Calls { get; } = [];

    public async Task<MonitorRunResult> RunAsync(string model, long? windowEndMs, CancellationToken cancellationToken = default)
    {
        Calls.Add((model, windowEndMs));
        var end = windowEndMs ?? 1_700_000_600_000;
        var window = new MonitorWindow { Model = model, Version = "1", StartMs = end - 300_000, EndMs = end, ComputedAtMs = end, Requests = 42 };
        var stored = await services.GetRequiredService<IMonitoringStore>().PutWindowsAsync([window], cancellationToken);
        var change = new AlertEvent(7, 3, model, "quiet", null, AlertStates.Pending, end, 42, "few requests", """{"window_ids":[1]}""");
        return new MonitorRunResult(stored, [change]);
    }
}
