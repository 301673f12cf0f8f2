using System.Globalization;

namespace Keel.Core.Models;

/// <summary>What a <see cref="ScalarValue"/> holds.</summary>
public enum ScalarKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A finite number (stored as <see cref="double"/>).</summary>
    Number,

    /// <summary>True or false.</summary>
    Boolean,
}

/// <summary>
/// A JSON scalar: a string, a number or a boolean, and nothing else. Hyper-parameters, deployment
/// configuration and resource requirements are maps of these, so a package file can never carry an
/// object graph (or a type name) into Keel.
/// </summary>
public readonly record struct ScalarValue
{
    private readonly string? _string;
    private readonly double _number;
    private readonly bool _boolean;

    private ScalarValue(ScalarKind kind, string? text, double number, bool boolean)
    {
        Kind = kind;
        _string = text;
        _number = number;
        _boolean = boolean;
    }

    /// <summary>Which of the three kinds this value is.</summary>
    public ScalarKind Kind { get; }

    /// <summary>The text; only for <see cref="ScalarKind.String"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString => Kind == ScalarKind.String ? _string! : throw WrongKind(ScalarKind.String);

    /// <summary>The number; only for <see cref="ScalarKind.Number"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double AsNumber => Kind == ScalarKind.Number ? _number : throw WrongKind(ScalarKind.Number);

    /// <summary>The boolean; only for <see cref="ScalarKind.Boolean"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean => Kind == ScalarKind.Boolean ? _boolean : throw WrongKind(ScalarKind.Boolean);

    /// <summary>A string value.</summary>
    public static ScalarValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ScalarKind.String, value, 0, false);
    }

    /// <summary>A number value. Non-finite numbers are refused when a package is written.</summary>
    public static ScalarValue FromNumber(double value) => new(ScalarKind.Number, null, value, false);

    /// <summary>A boolean value.</summary>
    public static ScalarValue FromBoolean(bool value) => new(ScalarKind.Boolean, null, 0, value);

    /// <summary>Same as <see cref="FromString"/>.</summary>
    public static implicit operator ScalarValue(string value) => FromString(value);

    /// <summary>Same as <see cref="FromNumber"/>.</summary>
    public static implicit operator ScalarValue(double value) => FromNumber(value);

    /// <summary>Same as <see cref="FromBoolean"/>.</summary>
    public static implicit operator ScalarValue(bool value) => FromBoolean(value);

    /// <summary>The value as invariant text (numbers round-trip, booleans as <c>true</c>/<c>false</c>).</summary>
    public override string ToString() => Kind switch
    {
        ScalarKind.String => _string ?? string.Empty,
        ScalarKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        _ => _boolean ? "true" : "false",
    };

    private InvalidOperationException WrongKind(ScalarKind wanted) =>
        new($"The value is a {Kind}, not a {wanted}.");
}
