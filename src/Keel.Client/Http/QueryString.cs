using System.Text;

namespace Keel.Client.Http;

/// <summary>A small immutable query-string builder; null values are left out.</summary>
internal readonly struct QueryString
{
    private readonly string? _text;

    private QueryString(string text) => _text = text;

    public QueryString Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        var builder = new StringBuilder(_text ?? string.Empty);
        builder.Append(builder.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        return new QueryString(builder.ToString());
    }

    public QueryString Add(string name, long? value) =>
        value is { } v ? Add(name, v.ToString(System.Globalization.CultureInfo.InvariantCulture)) : this;

    public override string ToString() => _text ?? string.Empty;

    public static QueryString Of(string name, string? value) => default(QueryString).Add(name, value);
}
