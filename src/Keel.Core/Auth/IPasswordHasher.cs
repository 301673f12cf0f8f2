namespace Keel.Core.Auth;

/// <summary>
/// Hashes and checks passwords. The server's implementation is ASP.NET Core Identity's
/// <c>PasswordHasher</c> (PBKDF2, salted, constant-time comparison); Core only names the contract.
/// </summary>
public interface IPasswordHasher
{
    /// <summary>A salted hash of <paramref name="password"/>, with its format and parameters inside.</summary>
    string Hash(string password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>, compared in constant time.</summary>
    /// <returns>Whether it matches, and whether the hash should be replaced by a stronger one.</returns>
    (bool Matches, bool Rehash) Verify(string hash, string password);
}
