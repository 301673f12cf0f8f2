// The bare baseline of bench/serving/run.sh: the least a .NET team would write to serve an ML.NET
// model over HTTP — Kestrel, a minimal API, System.Text.Json and a pool of typed
// PredictionEngines — over the very model.zip Keel serves (the flights-bench model: distance,
// origin, destination). It parses the same MLflow dataframe_split body and answers
// {"predictions": [...]}; it has no signature checks, metrics or prediction log.
//   keel-serving-bench <package-dir> <port>
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: keel-serving-bench <package-dir> <port>");
    return 2;
}

var context = new MLContext(seed: 0);
var model = context.Model.Load(Path.Combine(args[0], "model.zip"), out _);
var pool = new ConcurrentBag<PredictionEngine<FlightRow, FlightScore>>();

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchJson.Default));
var app = builder.Build();
app.MapPost("/invocations", async (HttpRequest request) =>
{
    var body = await JsonSerializer.DeserializeAsync(request.Body, BenchJson.Default.SplitBody, request.HttpContext.RequestAborted);
    var split = body!.DataframeSplit!;
    int distance = split.Columns.IndexOf("distance"), origin = split.Columns.IndexOf("origin"), destination = split.Columns.IndexOf("destination");
    if (!pool.TryTake(out var engine))
    {
        engine = context.Model.CreatePredictionEngine<FlightRow, FlightScore>(model);
    }

    var predictions = new Prediction[split.Data.Count];
    try
    {
        var row = new FlightRow();
        for (var i = 0; i < predictions.Length; i++)
        {
            var cells = split.Data[i];
            row.Distance = cells[distance].ValueKind == JsonValueKind.Number ? cells[distance].GetSingle() : float.NaN;
            row.Origin = cells[origin].GetString() ?? string.Empty;
            row.Destination = cells[destination].GetString() ?? string.Empty;
            var score = engine.Predict(row);
            predictions[i] = new Prediction(score.PredictedLabel ? "true" : "false", score.Probability);
        }
    }
    finally
    {
        pool.Add(engine);
    }

    return Results.Json(new PredictionsBody(predictions), BenchJson.Default.PredictionsBody);
});
app.MapGet("/ping", () => Results.Text("\n"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare baseline listening on http://127.0.0.1:{args[1]}"));
app.Run();
return 0;

/// <summary>The model's input columns, as Keel's view builder names and types them.</summary>
internal sealed class FlightRow
{
    [ColumnName("distance")]
    public float Distance { get; set; }

    [ColumnName("origin")]
    public string Origin { get; set; } = string.Empty;

    [ColumnName("destination")]
    public string Destination { get; set; } = string.Empty;
}

/// <summary>A binary classifier's outputs.</summary>
internal sealed class FlightScore
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }
}

internal sealed record SplitPayload(
    [property: JsonPropertyName("columns")] List<string> Columns,
    [property: JsonPropertyName("data")] List<JsonElement[]> Data);

internal sealed record SplitBody([property: JsonPropertyName("dataframe_split")] SplitPayload? DataframeSplit);

internal sealed record Prediction(
    [property: JsonPropertyName("predicted_label")] string PredictedLabel,
    [property: JsonPropertyName("probability")] float Probability);

internal sealed record PredictionsBody([property: JsonPropertyName("predictions")] Prediction[] Predictions);

[JsonSerializable(typeof(SplitBody))]
[JsonSerializable(typeof(PredictionsBody))]
internal sealed partial class BenchJson : JsonSerializerContext;
