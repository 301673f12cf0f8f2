using System.Collections.Concurrent;
using Keel.Core.Errors;

namespace Keel.Core.Auth;

/// <summary>
/// Counts wrong passwords per user name and locks the name out after <see cref="AuthOptions.MaxFailedLogins"/>
/// within <see cref="AuthOptions.LockoutWindow"/>, for <see cref="AuthOptions.LockoutDuration"/>.
/// Kept in memory, per process: a lockout exists to slow online guessing, which a per-process count
/// does (with N replicas a guesser gets N times the attempts, still a handful per window), and
/// failed sign-ins then cost no database write. A restart forgets lockouts.
/// </summary>
public sealed class LoginThrottle(AuthOptions options, TimeProvider time)
{
    // Bounded: names never seen again are dropped once their window has passed (Sweep).
    private readonly ConcurrentDictionary<string, State> _users = new(StringComparer.Ordinal);

    /// <summary>Throws while <paramref name="username"/> is locked out.</summary>
    /// <exception cref="KeelException">REQUEST_LIMIT_EXCEEDED (429) saying until when.</exception>
    public void ThrowIfLocked(string username)
    {
        if (_users.TryGetValue(username, out var state) && LockedUntil(state) is { } until)
        {
            throw new KeelException(
                ErrorCode.RequestLimitExceeded,
                $"Too many failed sign-ins for this user; try again after {until:yyyy-MM-ddTHH:mm:ssZ}.");
        }
    }

    /// <summary>Records a wrong password for <paramref name="username"/>.</summary>
    /// <returns>Whether the user is now locked out.</returns>
    public bool Failed(string username)
    {
        var now = time.GetUtcNow();
        var state = _users.GetOrAdd(username, _ => new State());
        bool locked;
        lock (state)
        {
            if (now - state.WindowStart > options.LockoutWindow)
            {
                state.WindowStart = now;
                state.Failures = 0;
            }

            state.Failures++;
            locked = state.Failures >= options.MaxFailedLogins;
            if (locked)
            {
                state.LockedUntil = now + options.LockoutDuration;
                state.Failures = 0;
                state.WindowStart = now;
            }
        }

        if (_users.Count > 10_000)
        {
            Sweep(now);
        }

        return locked;
    }

    /// <summary>Forgets the failures of <paramref name="username"/> (a right password).</summary>
    public void Succeeded(string username) => _users.TryRemove(username, out _);

    private DateTimeOffset? LockedUntil(State state)
    {
        lock (state)
        {
            return state.LockedUntil is { } until && until > time.GetUtcNow() ? until : null;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (name, state) in _users)
        {
            lock (state)
            {
                if (now - state.WindowStart > options.LockoutWindow && (state.LockedUntil is null || state.LockedUntil <= now))
                {
                    _users.TryRemove(name, out _);
                }
            }
        }
    }

    private sealed class State
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
