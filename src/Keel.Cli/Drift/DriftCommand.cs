using System.CommandLine;
using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Monitoring.Data;
using Keel.Monitoring.Drift;
using Spectre.Console;

namespace Keel.Cli.Drift;

/// <summary>
/// <c>keel drift</c>: compares a current CSV/Parquet file with a reference file column by column and
/// prints the verdicts. Exit code 0 = no dataset drift, 1 = drift, 2 = error (one line on stderr).
/// </summary>
internal static class DriftCommand
{
    public const int NoDrift = 0, DriftDetected = 1, Error = 2;

    public static Command Create(CliSettings? settings = null)
    {
        settings ??= new CliSettings();
        var reference = Single("--reference", "FILE", "Reference data (.csv or .parquet), e.g. the training data.");
        var current = Single("--current", "FILE", "Current data (.csv or .parquet), e.g. recent production inputs.");
        var columns = Many("--columns", "COLUMN", "Columns to compare (space or comma separated); default: all.");
        var tests = Many("--test", "COLUMN=TEST[:THRESHOLD]", "Per-column test and optional threshold: COLUMN=TEST[:THRESHOLD], e.g. age=ks or city=psi:0.2.");
        var correction = Single("--correction", "none|bonferroni|bh", "Multiple-testing correction: none (default), bonferroni, bh.");
        var share = Single("--drift-share", "SHARE", "Share of drifted columns at which the dataset drifts (default 0.5).");
        var json = Single("--json", "FILE", "Write the full report as JSON to this file.");
        var html = Single("--html", "FILE", "Write a self-contained HTML report to this file.");
        var refFilter = Many("--reference-filter", "EXPR", "Keep reference rows matching 'COLUMN OP VALUE' (OP: < <= > >= == !=); repeatable.");
        var curFilter = Many("--current-filter", "EXPR", "Keep current rows matching 'COLUMN OP VALUE'; repeatable.");
        var missing = new MissingValueOptions();
        var command = new Command("drift", "Detect data drift between a reference and a current dataset.")
        {
            reference, current, columns, tests, correction, share, json, html, refFilter, curFilter,
        };
        missing.AddTo(command);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                if (parse.UnmatchedTokens.Count > 0)
                {
                    throw KeelException.InvalidParameter($"Unrecognized argument '{parse.UnmatchedTokens[0]}'. See 'keel drift --help'.");
                }

                var request = new DriftRequest
                {
                    ReferencePath = Required(parse.GetValue(reference), "--reference"),
                    CurrentPath = Required(parse.GetValue(current), "--current"),
                    Options = BuildOptions(parse.GetValue(columns), parse.GetValue(tests), parse.GetValue(correction), parse.GetValue(share)),
                    ReferenceFilters = (parse.GetValue(refFilter) ?? []).Select(RowFilter.Parse).ToList(),
                    CurrentFilters = (parse.GetValue(curFilter) ?? []).Select(RowFilter.Parse).ToList(),
                    JsonPath = Optional(parse, json),
                    HtmlPath = Optional(parse, html),
                    Missing = missing.Read(parse),
                };
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(settings.Out) });
                if (!settings.OutIsTerminal)
                {
                    // Written to a pipe or a file: Spectre would assume 80 columns and break words
                    // inside cells; whole lines are easier to read and to grep.
                    console.Profile.Width = CliOutput.UnboundedWidth;
                }
                return await DriftRunner.RunAsync(request, console, ct).ConfigureAwait(false);
            }
            catch (KeelException ex)
            {
                await settings.Error.WriteLineAsync("error: " + OneLine(ex.Message)).ConfigureAwait(false);
                return Error;
            }
            catch (OperationCanceledException)
            {
                await settings.Error.WriteLineAsync("error: cancelled").ConfigureAwait(false);
                return Error;
            }
            catch (Exception ex)
            {
                // Anything unexpected must still exit 2, never 1 (which means "drift").
                await settings.Error.WriteLineAsync($"error: {ex.GetType().Name}: {OneLine(ex.Message)}").ConfigureAwait(false);
                return Error;
            }
        });
        return command;
    }

    internal static DriftOptions BuildOptions(string[]? columns, string[]? tests, string? correction, string? share)
    {
        var overrides = new Dictionary<string, ColumnTestOverride>(StringComparer.Ordinal);
        foreach (var spec in tests ?? [])
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == spec.Length - 1)
            {
                throw KeelException.InvalidParameter($"--test '{spec}' is not of the form COLUMN=TEST[:THRESHOLD].");
            }

            string column = spec[..eq], rest = spec[(eq + 1)..];
            double? threshold = null;
            int colon = rest.LastIndexOf(':');
            if (colon > 0)
            {
                threshold = ParseDouble(rest[(colon + 1)..], $"--test '{spec}' threshold");
                rest = rest[..colon];
            }

            overrides[column] = new ColumnTestOverride(rest, threshold);
        }

        var options = new DriftOptions
        {
            Columns = (columns ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            Overrides = overrides,
            Correction = (correction ?? "none").ToLowerInvariant() switch
            {
                "none" => MultipleTestingCorrection.None,
                "bonferroni" => MultipleTestingCorrection.Bonferroni,
                "bh" or "benjamini-hochberg" or "fdr" => MultipleTestingCorrection.BenjaminiHochberg,
                _ => throw KeelException.InvalidParameter($"--correction '{correction}' is not one of none, bonferroni, bh."),
            },
            DriftShare = share is null ? 0.5 : ParseDouble(share, "--drift-share"),
        };
        options.Validate();
        return options;
    }

    // Values are strings validated in the action, so that every bad input exits 2 with one line.
    private static Option<string?> Single(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrOne };

    private static Option<string[]?> Many(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };

    private static string Required(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw KeelException.InvalidParameter($"{option} FILE is required.") : value;

    private static string? Optional(ParseResult parse, Option<string?> option)
    {
        if (parse.GetResult(option) is null)
        {
            return null;
        }

        return Required(parse.GetValue(option), option.Name);
    }

    private static double ParseDouble(string s, string what) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw KeelException.InvalidParameter($"{what}: '{s}' is not a number.");

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
