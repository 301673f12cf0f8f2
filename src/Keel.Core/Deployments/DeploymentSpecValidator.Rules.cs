using System.Globalization;
using Keel.Core.Validation;

namespace Keel.Core.Deployments;

// Traffic, steps and gates: the strategy-specific rules.
public static partial class DeploymentSpecValidator
{
    private const int MaxKeyLength = 256;

    private static TrafficPolicy Traffic(List<string> errors, TrafficPolicy? traffic, DeploymentStrategy strategy)
    {
        traffic ??= new TrafficPolicy();
        var weight = traffic.CandidateWeight ?? 0;
        if (weight is < 0 or > 100)
        {
            errors.Add($"Invalid 'traffic.candidate_weight' {weight}: a weight is a percentage from 0 to 100.");
        }
        else if (weight != 0 && strategy != DeploymentStrategy.Canary)
        {
            errors.Add($"'traffic.candidate_weight' is for canary rollouts; a {strategy.ToWireName()} rollout gives the candidate no live traffic until it is promoted.");
        }

        RoutingKey? key = null;
        if (traffic.RoutingKey is { } routing)
        {
            if ((routing.Header is null) == (routing.Column is null))
            {
                errors.Add("'traffic.routing_key' takes exactly one of 'header' and 'column'.");
            }
            else if (strategy != DeploymentStrategy.Canary)
            {
                errors.Add($"'traffic.routing_key' is for canary rollouts, not {strategy.ToWireName()}.");
            }
            else
            {
                var field = routing.Header is null ? "traffic.routing_key.column" : "traffic.routing_key.header";
                var value = routing.Header ?? routing.Column!;
                try
                {
                    TextValidator.SingleLine(value, field, MaxKeyLength);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        errors.Add($"'{field}' must not be blank.");
                    }
                    else if (routing.Header is not null && !IsHeaderToken(value))
                    {
                        errors.Add($"Invalid header name '{Shown(value)}' in '{field}': use letters, digits and -_.");
                    }
                }
                catch (Errors.KeelException e)
                {
                    errors.Add(e.Message);
                }

                key = routing;
            }
        }

        double? share = null;
        if (traffic.ShadowShare is { } s)
        {
            if (strategy != DeploymentStrategy.Shadow)
            {
                errors.Add($"'traffic.shadow_share' is for shadow rollouts, not {strategy.ToWireName()}.");
            }
            else if (!(s > 0 && s <= 1))
            {
                errors.Add($"Invalid 'traffic.shadow_share' {s.ToString(CultureInfo.InvariantCulture)}: the share of requests copied is above 0 and at most 1.");
            }
            else
            {
                share = s;
            }
        }
        else if (strategy == DeploymentStrategy.Shadow)
        {
            share = 1.0;
        }

        string? window = null;
        if (traffic.RollbackWindow is { } w)
        {
            var parsed = ParseDuration(w);
            if (parsed is null || parsed < TimeSpan.Zero || parsed > MaxRollbackWindow || w.Trim() != w)
            {
                errors.Add($"Invalid 'traffic.rollback_window' '{Shown(w)}': a whole number and a unit (ms, s, m, h, d), e.g. 90s or 10m, from 0 to at most 1d.");
            }
            else
            {
                window = w;
            }
        }

        return new TrafficPolicy { CandidateWeight = weight is >= 0 and <= 100 ? weight : 0, RoutingKey = key, ShadowShare = share, RollbackWindow = window };
    }

    private static bool IsHeaderToken(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static List<DeploymentStep> Steps(List<string> errors, IReadOnlyList<DeploymentStep>? steps, DeploymentStrategy strategy, DeploymentGates gates)
    {
        var list = new List<DeploymentStep>();
        steps ??= [];
        if (steps.Count > MaxSteps)
        {
            errors.Add($"A rollout has at most {MaxSteps} steps; this one has {steps.Count}.");
            return list;
        }

        var weights = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var at = $"steps[{i}]";
            if (step is null || (step.SetWeight is null ? 0 : 1) + (step.Pause is null ? 0 : 1) + (step.Analysis is null ? 0 : 1) != 1)
            {
                errors.Add($"'{at}' takes exactly one of 'set_weight', 'pause' and 'analysis'.");
                continue;
            }

            if (step.SetWeight is { } weight)
            {
                weights++;
                if (weight is < 0 or > 100)
                {
                    errors.Add($"Invalid '{at}.set_weight' {weight}: a weight is a percentage from 0 to 100.");
                }
                else if (strategy != DeploymentStrategy.Canary)
                {
                    errors.Add($"'{at}.set_weight' is for canary rollouts; a {strategy.ToWireName()} rollout switches traffic when it is promoted.");
                }
            }
            else if (step.Pause is { } pause)
            {
                if (strategy == DeploymentStrategy.Rolling)
                {
                    errors.Add($"'{at}': rolling rollouts have no steps (replicas move one at a time, each baking before the next).");
                }

                Pause(errors, pause, at);
            }
            else if (step.Analysis is { } analysis)
            {
                if (strategy == DeploymentStrategy.Rolling)
                {
                    errors.Add($"'{at}': rolling rollouts have no steps (replicas move one at a time, each baking before the next).");
                }

                Analysis(errors, analysis, at, gates);
            }

            list.Add(step);
        }

        if (strategy == DeploymentStrategy.Canary && weights == 0)
        {
            errors.Add("A canary rollout needs at least one 'set_weight' step.");
        }

        return list;
    }

    private static void Pause(List<string> errors, PauseStep pause, string at)
    {
        if (pause.Duration is not null)
        {
            var duration = ParseDuration(pause.Duration);
            if (duration is null || duration <= TimeSpan.Zero || duration > MaxPauseDuration)
            {
                errors.Add($"Invalid '{at}.pause.duration' '{Shown(pause.Duration)}': a whole number and a unit (ms, s, m, h, d), e.g. 30s or 10m, above 0 and at most 7d.");
            }
        }

        if (pause.MinRequests is <= 0)
        {
            errors.Add($"Invalid '{at}.pause.min_requests' {pause.MinRequests}: at least 1.");
        }
    }

    private static void Analysis(List<string> errors, AnalysisStep analysis, string at, DeploymentGates gates)
    {
        var configured = gates.Configured();
        if (configured.Count == 0)
        {
            errors.Add($"'{at}.analysis' needs gates: set at least one under 'gates'.");
            return;
        }

        foreach (var gate in analysis.Gates ?? [])
        {
            if (!DeploymentGates.Names.Contains(gate))
            {
                errors.Add($"Unknown gate '{Shown(gate ?? "null")}' in '{at}.analysis.gates': use {string.Join(", ", DeploymentGates.Names)}.");
            }
            else if (!configured.Contains(gate))
            {
                errors.Add($"'{at}.analysis.gates' names '{gate}', which is not configured under 'gates'.");
            }
        }
    }
}
