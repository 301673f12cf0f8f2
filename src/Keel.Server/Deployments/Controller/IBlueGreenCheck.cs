using System.Text.Json;
using Keel.Core.Deployments;

namespace Keel.Server.Deployments.Controller;

/// <summary>
/// The blue-green check beyond warming (ready, input example scored): the candidate passes
/// <c>keel validate</c>'s gates on the data set the spec names. Called once the candidate is warm,
/// before traffic switches.
/// </summary>
public interface IBlueGreenCheck
{
    /// <summary>Checks the candidate of <paramref name="deployment"/>.</summary>
    Task<BlueGreenCheckResult> CheckAsync(Deployment deployment, CancellationToken cancellationToken = default);
}

/// <summary>What a blue-green check found.</summary>
/// <param name="Passed">Whether traffic may switch.</param>
/// <param name="Summary">One sentence a person reads.</param>
/// <param name="Evidence">The numbers, a JSON object kept with the deployment event; null when none.</param>
public sealed record BlueGreenCheckResult(bool Passed, string Summary, JsonElement? Evidence);
