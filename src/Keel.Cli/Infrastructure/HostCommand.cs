using System.CommandLine;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// A command that runs a web host until it is stopped (<c>keel server</c>, <c>keel serve</c>). The
/// host handles SIGINT and SIGTERM itself and stops gracefully, finishing requests in flight, so
/// System.CommandLine's own termination handling is switched off for it: that handler gives an
/// action two seconds, then makes the invocation return 130 while the host is still stopping.
/// </summary>
internal sealed class HostCommand(string name, string description) : Command(name, description);
