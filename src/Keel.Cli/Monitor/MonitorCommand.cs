using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Monitor;

/// <summary><c>keel monitor</c>: production monitoring of registered model versions.</summary>
internal static class MonitorCommand
{
    public static Command Create(GlobalOptions globals) => new("monitor", "Production monitoring: the reference live traffic is compared with, and monitoring passes over the prediction log.")
    {
        MonitorBaselineCommand.Create(globals),
        MonitorApplyCommand.Create(globals),
        MonitorStatusCommand.Create(globals),
        MonitorAlertsCommand.Create(globals),
        MonitorRunCommand.Create(globals),
        MonitorRetrainingCommand.Create(globals),
        MonitorRulesCommand.Create(globals),
        MonitorSummaryCommand.Create(globals), MonitorReportCommand.Create(globals),
    };
}
