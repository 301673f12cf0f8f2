using Keel.Core.Errors;

namespace Keel.Core.Auth;

/// <summary>The input rules of users, passwords, tokens and permission targets.</summary>
public static class AuthValidator
{
    /// <summary>Longest user name.</summary>
    public const int MaxUsernameLength = 255;

    /// <summary>Longest password (hashing cost grows with length).</summary>
    public const int MaxPasswordLength = 1024;

    /// <summary>Longest token name, experiment id or model name in a permission.</summary>
    public const int MaxNameLength = 500;

    /// <summary>A user name: present, at most 255 characters, no control characters, no ':' (HTTP Basic splits on it).</summary>
    public static string Username(string? username, string field = "username")
    {
        Name(username, field, MaxUsernameLength);
        return username!.Contains(':', StringComparison.Ordinal)
            ? throw KeelException.InvalidParameter($"'{field}' must not contain ':'.")
            : username;
    }

    /// <summary>The default admin password of MLflow's basic-auth app, refused as a password.</summary>
    public const string MlflowDefaultPassword = "password1234";

    /// <summary>A new password: at least <paramref name="minLength"/> characters, at most 1024, and not <see cref="MlflowDefaultPassword"/>.</summary>
    public static string Password(string? password, int minLength, string field = "password")
    {
        if (string.IsNullOrEmpty(password))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }

        if (password.Length < minLength || password.Length > MaxPasswordLength)
        {
            throw KeelException.InvalidParameter($"'{field}' must be between {minLength} and {MaxPasswordLength} characters long.");
        }

        if (string.Equals(password, MlflowDefaultPassword, StringComparison.OrdinalIgnoreCase))
        {
            // MLflow's basic-auth app ships admin/password1234; it is the first password any attacker tries.
            throw KeelException.InvalidParameter($"'{field}' is MLflow's well-known default password; choose another.");
        }

        return password;
    }

    /// <summary>A present, printable name of at most <paramref name="maxLength"/> characters.</summary>
    public static string Name(string? value, string field, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }

        if (value.Length > maxLength)
        {
            throw KeelException.InvalidParameter($"'{field}' is {value.Length} characters long; the limit is {maxLength}.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                throw KeelException.InvalidParameter($"'{field}' must not contain control characters or characters outside the Basic Multilingual Plane.");
            }
        }

        return value;
    }

    /// <summary>A token scope: <c>all</c> or <c>read</c> (default all).</summary>
    public static string Scope(string? scope) => scope switch
    {
        null or "" or TokenScopes.All => TokenScopes.All,
        TokenScopes.Read => TokenScopes.Read,
        _ => throw KeelException.InvalidParameter($"Invalid token scope; valid scopes are '{TokenScopes.All}' and '{TokenScopes.Read}'."),
    };
}
