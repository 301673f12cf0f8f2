using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Predictions;

/// <summary><c>keel predictions</c>: the prediction log of served models.</summary>
internal static class PredictionsCommand
{
    public static Command Create(GlobalOptions globals) => new("predictions", "The prediction log: what served models were asked, what they answered, and the ground truth sent back.")
    {
        PredictionsExportCommand.Create(globals),
    };
}
