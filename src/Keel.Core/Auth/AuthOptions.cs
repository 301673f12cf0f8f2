namespace Keel.Core.Auth;

/// <summary>The rules of sign-in and permissions. Bound from <c>Keel:Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Auth";

    /// <summary>Whether requests must authenticate. Off is allowed on loopback only (unless <c>--insecure-no-auth</c>).</summary>
    /// <value>false.</value>
    public bool Enabled { get; set; }

    /// <summary>Lets the server listen on a non-loopback address with auth off (<c>--insecure-no-auth</c>); without it, that refuses to start.</summary>
    /// <value>false.</value>
    public bool InsecureNoAuth { get; set; }

    /// <summary>The level a user has on an experiment or registered model nobody granted them a level on (MLflow's <c>default_permission</c>).</summary>
    /// <value><see cref="Permission.Read"/>, as MLflow.</value>
    public Permission DefaultPermission { get; set; } = Permission.Read;

    /// <summary>Wrong passwords for one user, within <see cref="LockoutWindow"/>, that lock the user out.</summary>
    /// <value>5.</value>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How far back failed passwords are counted.</summary>
    /// <value>15 minutes.</value>
    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked-out user's passwords are refused (even the right one).</summary>
    /// <value>15 minutes.</value>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Shortest password accepted.</summary>
    /// <value>12 characters.</value>
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Lifetime of a token created without one.</summary>
    /// <value>90 days.</value>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Longest lifetime a token may be given.</summary>
    /// <value>365 days.</value>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxFailedLogins < 1)
        {
            errors.Add("Keel:Auth:MaxFailedLogins must be at least 1.");
        }

        if (LockoutWindow <= TimeSpan.Zero || LockoutDuration <= TimeSpan.Zero)
        {
            errors.Add("Keel:Auth:LockoutWindow and LockoutDuration must be positive.");
        }

        if (MinPasswordLength < 8)
        {
            errors.Add("Keel:Auth:MinPasswordLength must be at least 8.");
        }

        if (DefaultTokenLifetime <= TimeSpan.Zero || MaxTokenLifetime < DefaultTokenLifetime)
        {
            errors.Add("Keel:Auth:DefaultTokenLifetime must be positive and at most MaxTokenLifetime.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
    }
}
