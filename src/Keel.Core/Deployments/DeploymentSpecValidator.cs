using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// Checks a <see cref="DeploymentSpec"/> and fills its defaults. Every problem is collected and
/// reported together in one INVALID_PARAMETER_VALUE error, so a spec file is fixed in one pass.
/// The rules live here so the REST API, the CLI and the client meet the same ones; whether the
/// versions exist is checked by <see cref="DeploymentService"/>, which can see the registry.
/// </summary>
public static partial class DeploymentSpecValidator
{
    /// <summary>At most this many steps in a rollout.</summary>
    public const int MaxSteps = 100;

    /// <summary>The longest bake time a pause may ask for.</summary>
    public static readonly TimeSpan MaxPauseDuration = TimeSpan.FromDays(7);

    /// <summary>The rollback window when <see cref="TrafficPolicy.RollbackWindow"/> is not set.</summary>
    public static readonly TimeSpan DefaultRollbackWindow = TimeSpan.FromMinutes(5);

    /// <summary>The longest <see cref="TrafficPolicy.RollbackWindow"/>: a version kept loaded holds memory.</summary>
    public static readonly TimeSpan MaxRollbackWindow = TimeSpan.FromDays(1);

    /// <summary>The rollback window of a (normalised) spec: its <c>traffic.rollback_window</c>, else <see cref="DefaultRollbackWindow"/>.</summary>
    public static TimeSpan RollbackWindow(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ParseDuration(spec.Traffic?.RollbackWindow) is { } window && window >= TimeSpan.Zero && window <= MaxRollbackWindow ? window : DefaultRollbackWindow;
    }

    /// <summary>The default alias that follows the stable version.</summary>
    public const string DefaultAlias = "production";

    /// <summary>Checks <paramref name="spec"/> and returns it with defaults filled.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem.</exception>
    public static DeploymentSpec Normalize(DeploymentSpec? spec)
    {
        if (spec is null)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'spec'.");
        }

        var errors = new List<string>();
        var name = Check(errors, () => RegistryValidator.ServingName(spec.Name, "name"));
        var model = Check(errors, () => RegistryValidator.ModelName(spec.Model, "model"));
        var version = Version(errors, spec.Version, "version");
        var strategy = DeploymentStrategy.Canary;
        if (spec.Strategy is not null && !DeploymentStrategies.TryParse(spec.Strategy, out strategy))
        {
            // Judge the rest as the default strategy rather than cascade errors from a guessed one.
            strategy = DeploymentStrategy.Canary;
            errors.Add($"Unknown strategy '{Shown(spec.Strategy)}' in 'strategy': use one of {string.Join(", ", DeploymentStrategies.WireNames)}.");
        }

        var alias = spec.Alias is null ? DefaultAlias : Check(errors, () => AliasValidator.Validate(spec.Alias));
        string? stage = null;
        if (spec.Stage is not null)
        {
            if (ModelStages.TryParse(spec.Stage, out var parsed) && parsed is ModelStage.Staging or ModelStage.Production)
            {
                stage = ModelStages.ToWireName(parsed);
            }
            else
            {
                errors.Add($"Invalid stage '{Shown(spec.Stage)}' in 'stage': a deployment can follow Staging or Production.");
            }
        }

        var traffic = Traffic(errors, spec.Traffic, strategy);
        var gates = Gates(errors, spec.Gates);
        var steps = Steps(errors, spec.Steps, strategy, gates);
        var rolling = Rolling(errors, spec.Rolling, strategy);
        var checks = Checks(errors, spec.Checks, strategy);
        if (errors.Count > 0)
        {
            var prefix = name is null ? "Invalid deployment spec" : $"Invalid deployment spec '{name}'";
            throw KeelException.InvalidParameter(errors.Count == 1 ? $"{prefix}: {errors[0]}" : $"{prefix} ({errors.Count} problems): {string.Join(" ", errors.Select((e, i) => $"({i + 1}) {e}"))}");
        }

        return new DeploymentSpec
        {
            Name = name,
            Model = model,
            Version = version,
            Strategy = strategy.ToWireName(),
            Alias = alias,
            Stage = stage,
            Traffic = traffic,
            Steps = steps,
            Gates = gates,
            Rolling = rolling,
            Checks = checks,
        };
    }

    /// <summary>A deployment name: the rule of serving names (one URL path segment).</summary>
    public static string Name(string? name, string field = "name") => RegistryValidator.ServingName(name, field);

    /// <summary>Parses a bake time: a whole number and a unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>).</summary>
    /// <returns>The duration, or null when the text is not one.</returns>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        var split = 0;
        while (split < t.Length && char.IsAsciiDigit(t[split]))
        {
            split++;
        }

        if (split == 0 || split > 9 || !long.TryParse(t.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return t[split..] switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private static string? Version(List<string> errors, string? version, string field)
    {
        if (string.IsNullOrEmpty(version))
        {
            errors.Add($"Missing value for required parameter '{field}'.");
            return null;
        }

        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            errors.Add($"Invalid version '{Shown(version)}' in '{field}': a model version is a positive whole number.");
            return null;
        }

        return number.ToString(CultureInfo.InvariantCulture);
    }

    private static T? Check<T>(List<string> errors, Func<T> rule)
        where T : class
    {
        try
        {
            return rule();
        }
        catch (KeelException e)
        {
            errors.Add(e.Message);
            return null;
        }
    }

    private static string Shown(string text) => text.Length > 64 ? string.Concat(text.AsSpan(0, 64), "…") : text;
}
