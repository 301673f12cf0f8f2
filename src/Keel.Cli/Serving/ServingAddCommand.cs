using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Serving;

/// <summary><c>keel serving add NAME MODEL_URI</c>: load a registered model version on the server and serve it as NAME.</summary>
internal static class ServingAddCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The name to serve it under (/serving/NAME/invocations, /v2/models/NAME/infer); an existing one is replaced." };
        var modelUri = new Argument<string>("model-uri")
        {
            Description = "The registered model version: models:/credit/3, models:/credit@champion, models:/credit/Production or models:/credit/latest.",
        };
        var command = new Command("add", "Serve a registered model version under NAME (replacing what NAME served): a server loads and warms it at once; on a local store it is stored and 'keel server' serves it from its next start.") { name, modelUri };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var uri = ctx.Parse.GetValue(modelUri)!;
            if (!uri.StartsWith("models:/", StringComparison.Ordinal) || uri.Length == "models:/".Length)
            {
                throw new UsageException($"Invalid model URI '{uri}': expected models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/STAGE or models:/NAME/latest.");
            }

            var model = await ctx.Store.Serving.AddAsync(ctx.Parse.GetValue(name)!, uri, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(model, m => ctx.Output.WriteLine(m.Status == LocalServingAdmin.StoredStatus
                ? $"Stored '{m.Name}': {m.ModelUri ?? uri} (version {m.Version}) in {ctx.Store.Location.Uri}; 'keel server' on this store serves it at {ServingCommand.InvocationsPath(m.Name)} from its next start."
                : $"Serving '{m.Name}': {m.ModelUri ?? uri} (version {m.Version}){(m.Ready ? ", ready" : ", warming up")} at {ServingCommand.InvocationsPath(m.Name)}."));
        });
        return command;
    }
}
