using System.CommandLine;
using Keel.Core.Errors;
using Keel.Data;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// <c>--na-values</c> and <c>--keep-default-na</c>: the missing-value rule of Keel's table reader
/// (<see cref="MissingValues"/>), the same on <c>keel train</c>, <c>keel validate</c> and <c>keel drift</c>.
/// </summary>
internal sealed class MissingValueOptions
{
    public Option<string[]?> NaValues { get; } = new("--na-values")
    {
        Description = "Cells read as missing besides an empty cell, comma separated or repeated, e.g. NA,null; 'pandas' = pandas' default list (NA, None, null, NaN, ...). Overrides the pipeline file's data.na_values (train) or the rule the model was trained with (validate).",
        HelpName = "WORD[,WORD...]",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> KeepDefaultNa { get; } = new("--keep-default-na")
    {
        Description = "true (default): an empty cell is missing; false: only the --na-values words are.",
        HelpName = "true|false",
        Arity = ArgumentArity.ExactlyOne,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(NaValues);
        command.Options.Add(KeepDefaultNa);
    }

    /// <summary>The rule the options give, or null when neither option is given.</summary>
    /// <exception cref="KeelException">--keep-default-na is not true or false.</exception>
    public MissingValues? ReadIfGiven(ParseResult parse) =>
        parse.GetValue(NaValues) is null && parse.GetValue(KeepDefaultNa) is null ? null : Read(parse);

    /// <summary>The rule the options give, or <paramref name="fallback"/> (the default rule when null) when neither is given.</summary>
    /// <exception cref="KeelException">--keep-default-na is not true or false.</exception>
    public MissingValues Read(ParseResult parse, MissingValues? fallback = null)
    {
        bool? keep = parse.GetValue(KeepDefaultNa) switch
        {
            null => null,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw KeelException.InvalidParameter($"--keep-default-na '{text}' is not true or false."),
        };
        return MissingValues.FromOptions(parse.GetValue(NaValues), keep, fallback);
    }
}
