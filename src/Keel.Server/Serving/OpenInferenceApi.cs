using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Packaging;
using Keel.Server.Infrastructure;

namespace Keel.Server.Serving;

/// <summary>
/// The Open Inference Protocol v2 (KServe) REST endpoints for the served models: health, server
/// and model metadata, model readiness and <c>infer</c> with tensors (one per column, or one 2-D
/// tensor in signature column order). Errors are <c>{"error": "..."}</c>.
/// </summary>
internal static partial class OpenInferenceApi
{
    private static readonly string[] NumericTypes = ["FP64", "FP32", "FP16", "INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16", "UINT8"];

    public static void MapOpenInferenceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", () => ScoringResponses.Json(new JsonObject { ["live"] = true }));
        app.MapGet("/v2/health/ready", (ServedModelRegistry models) =>
        {
            var ready = models.All.All(m => m.Ready);
            return ScoringResponses.Json(new JsonObject { ["ready"] = ready }, ready ? 200 : 503);
        });
        app.MapGet("/v2", () => ScoringResponses.Json(new JsonObject
        {
            ["name"] = "keel",
            ["version"] = HealthApi.Version,
            ["extensions"] = new JsonArray(),
        }));

        foreach (var prefix in new[] { "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
        {
            app.MapGet(prefix, async (string name, string? version, ServedModelRegistry models, HttpContext context) =>
                await FallbackAsync(name, version, models, context, (f, n, c) => f.MetadataAsync(n, c)).ConfigureAwait(false)
                ?? Guard(() => Metadata(Find(models, name, version))));
            app.MapGet(prefix + "/ready", async (string name, string? version, ServedModelRegistry models, HttpContext context) =>
                await FallbackAsync(name, version, models, context, (f, n, c) => f.ReadyAsync(n, c)).ConfigureAwait(false)
                ?? Guard(() =>
                {
                    var model = Find(models, name, version);
                    return ScoringResponses.Json(new JsonObject { ["name"] = model.Name, ["ready"] = model.Ready }, model.Ready ? 200 : 503);
                }));
            app.MapPost(prefix + "/infer", async (string name, string? version, HttpRequest request, ServedModelRegistry models) =>
            {
                if (await FallbackAsync(name, version, models, request.HttpContext, (f, n, c) => f.InferAsync(n, request)).ConfigureAwait(false) is { } answered)
                {
                    return answered;
                }

                var timer = default(ServingRequestTimer);
                try
                {
                    using var lease = Acquire(models, name, version);
                    var model = lease.Model;
                    timer = ServingMetrics.Start(request.HttpContext, model);
                    RequestReading.EnsureJsonContentType(request);
                    var body = await ServingApi.ReadJsonAsync(request).ConfigureAwait(false);
                    return timer.Done(Infer(model, body, out var rows, request.HttpContext), rows);
                }
                catch (KeelException e)
                {
                    return timer.Done(Error(e));
                }
                catch (Exception e) when (timer.Failed(e))
                {
                    throw; // Not reached: Failed records the error and returns false.
                }
            });
        }
    }

    /// <summary>Scores an infer request: rows from the input tensors, outputs as tensors, the request id echoed.</summary>
    internal static IResult Infer(ServedModel model, JsonElement body, out int rowCount, HttpContext? context = null)
    {
        // Without a request (direct calls) the defaults apply, with unknown tensors refused.
        var options = context is null ? null : ScoringOptions.For(context);
        var request = ParseInfer(model, body, options);
        var log = context is null ? default : PredictionLogScope.Start(context, request.Id);
        ScoredRows scored;
        try
        {
            scored = model.Predict(request.Rows, options?.StrictColumns ?? true, request.WithProbabilities);
        }
        catch (Exception e) when (log.Failed(model, request.Rows, e))
        {
            throw; // Not reached: Failed logs the failure and returns false.
        }

        var predictions = scored.Predictions;
        if (context is not null)
        {
            ScoringOptions.ReportIgnored(context, scored.IgnoredColumns);
        }

        log.Complete(model, request.Rows, predictions);
        rowCount = predictions.Count;
        return InferResponse(model, request.Id, predictions, request.WithProbabilities);
    }

    /// <summary>
    /// Reads an infer body for <paramref name="model"/>'s signature: the rows from the input
    /// tensors, the request id and whether every class's probability is asked for. Problems are
    /// BAD_REQUEST listing every one; too many rows REQUEST_TOO_LARGE.
    /// </summary>
    /// <param name="model">The model whose signature the tensors are read against.</param>
    /// <param name="body">The request body.</param>
    /// <param name="options">The request's limits; null for the defaults.</param>
    internal static InferRequest ParseInfer(ServedModel model, JsonElement body, ScoringOptions? options)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw ScoringInput.Bad("The infer request must be a JSON object with a non-empty 'inputs' array of tensors.");
        }

        string? id = null;
        if (body.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : throw ScoringInput.Bad("id: must be a string.");
        }

        var withProbabilities = ScoringInput.WantsProbabilities(body, "parameters");
        var tensors = ReadTensors(inputs, out var problems);
        if (tensors.Count > 0)
        {
            (options ?? new ScoringOptions()).CheckRows(tensors.Max(t => t.Shape[0]));
        }

        var columns = model.Signature.Inputs;
        List<IReadOnlyDictionary<string, JsonElement>> rows = [];
        if (problems.Count == 0)
        {
            rows = tensors.Count == 1 && tensors[0].Shape.Length == 2 && columns.All(c => c.Name != tensors[0].Name)
                ? Matrix(tensors[0], columns, problems)
                : Tabular(tensors, columns, problems);
        }

        if (problems.Count > 0)
        {
            throw ScoringInput.Bad(problems);
        }

        return new InferRequest(rows, id, withProbabilities);
    }

    /// <summary>The infer answer: model name (<paramref name="name"/> when given, e.g. a deployment's) and version, the request id when given, the outputs as tensors.</summary>
    internal static IResult InferResponse(ServedModel model, string? id, IReadOnlyList<ModelPrediction> predictions, bool withProbabilities, string? name = null)
    {
        var response = new JsonObject
        {
            ["model_name"] = name ?? model.Name,
            ["model_version"] = model.Version,
        };
        if (id is not null)
        {
            response["id"] = id;
        }

        response["outputs"] = Outputs(predictions, model.Scorer.Task.Classes, withProbabilities);
        return ScoringResponses.Json(response);
    }

    private sealed record Tensor(string Name, long[] Shape, string Datatype, JsonElement[] Data);

    private static List<Tensor> ReadTensors(JsonElement inputs, out List<string> problems)
    {
        problems = [];
        var tensors = new List<Tensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            var where = $"inputs[{i++}]";
            if (input.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{where}: must be a tensor object with name, shape, datatype and data");
                continue;
            }

            var name = input.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            var datatype = input.TryGetProperty("datatype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : null;
            long[]? shape = null;
            if (input.TryGetProperty("shape", out var s) && s.ValueKind == JsonValueKind.Array
                && s.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out var v) && v >= 0))
            {
                shape = s.EnumerateArray().Select(x => x.GetInt64()).ToArray();
            }

            var data = new List<JsonElement>();
            var hasData = input.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Array;
            if (hasData)
            {
                Flatten(dataElement, data);
            }

            var label = name is null ? where : $"{where} ({name})";
            if (name is null)
            {
                problems.Add($"{where}: name is required");
            }
            else if (!names.Add(name))
            {
                problems.Add($"{label}: another input tensor has the same name");
            }

            if (datatype is null)
            {
                problems.Add($"{label}: datatype is required");
            }

            if (shape is null || shape.Length is 0 or > 2)
            {
                problems.Add($"{label}: shape must be [n] or [n, k] with non-negative sizes");
            }

            if (!hasData)
            {
                problems.Add($"{label}: data must be an array");
            }
            else if (shape is { Length: 1 or 2 } && shape.Aggregate(1L, (a, b) => a * b) != data.Count)
            {
                problems.Add($"{label}: shape [{string.Join(", ", shape)}] needs {shape.Aggregate(1L, (a, b) => a * b)} values, data has {data.Count}");
            }
            else if (shape is { Length: 1 or 2 } && OpenInferenceValues.NestingProblem(dataElement, shape) is { } nesting)
            {
                problems.Add($"{label}: {nesting}");
            }
            else if (datatype is not null && OpenInferenceValues.RangeProblem(data, datatype.ToUpperInvariant()) is { } range)
            {
                problems.Add($"{label}: {range}");
            }

            if (name is not null && datatype is not null && shape is { Length: 1 or 2 } && hasData)
            {
                tensors.Add(new Tensor(name, shape, datatype.ToUpperInvariant(), data.ToArray()));
            }
        }

        return tensors;
    }

    private static void Flatten(JsonElement element, List<JsonElement> into)
    {
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, into);
            }
            else
            {
                into.Add(item);
            }
        }
    }

    /// <summary>One tensor per column: shape [n] or [n, 1], all with the same n.</summary>
    private static List<IReadOnlyDictionary<string, JsonElement>> Tabular(List<Tensor> tensors, IReadOnlyList<ColumnSpec> columns, List<string> problems)
    {
        var count = tensors[0].Shape[0];
        foreach (var tensor in tensors)
        {
            if (tensor.Shape.Length == 2 && tensor.Shape[1] != 1)
            {
                problems.Add($"input {tensor.Name}: a column tensor must have shape [n] or [n, 1], got [{string.Join(", ", tensor.Shape)}]");
            }

            if (tensor.Shape[0] != count)
            {
                problems.Add($"input {tensor.Name}: has {tensor.Shape[0]} rows, input {tensors[0].Name} has {count}");
            }

            var column = columns.FirstOrDefault(c => c.Name == tensor.Name);
            if (column is not null && !Fits(tensor.Datatype, column.Type))
            {
                problems.Add($"input {tensor.Name}: datatype {tensor.Datatype} does not fit column type {column.Type.ToString().ToLowerInvariant()} (expected {Datatype(column.Type)})");
            }
        }

        foreach (var column in columns)
        {
            if (tensors.All(t => t.Name != column.Name))
            {
                problems.Add($"input {column.Name}: missing (the model needs every signature column)");
            }
        }

        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        if (problems.Count > 0)
        {
            return rows;
        }

        for (var r = 0; r < count; r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var tensor in tensors)
            {
                row[tensor.Name] = Value(tensor.Data[r], tensor.Datatype);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>One 2-D tensor [n, k], k = the number of signature columns, in signature order.</summary>
    private static List<IReadOnlyDictionary<string, JsonElement>> Matrix(Tensor tensor, IReadOnlyList<ColumnSpec> columns, List<string> problems)
    {
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        if (tensor.Shape[1] != columns.Count)
        {
            problems.Add($"input {tensor.Name}: a 2-D tensor must have one column per signature input ({columns.Count}), got shape [{string.Join(", ", tensor.Shape)}]");
            return rows;
        }

        for (var r = 0; r < tensor.Shape[0]; r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Count; c++)
            {
                row[columns[c].Name] = Value(tensor.Data[(r * columns.Count) + c], tensor.Datatype);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static JsonElement Value(JsonElement value, string datatype) =>
        datatype == "BOOL" && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? JsonSerializer.SerializeToElement(value.GetBoolean() ? "true" : "false")
            : value;

    private static bool Fits(string datatype, ColumnType type) => type switch
    {
        ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer => Array.IndexOf(NumericTypes, datatype) >= 0,
        ColumnType.Boolean => datatype is "BOOL" or "BYTES",
        _ => datatype == "BYTES",
    };

    private static string Datatype(ColumnType type) => type switch
    {
        ColumnType.Double => "FP64",
        ColumnType.Float => "FP32",
        ColumnType.Long => "INT64",
        ColumnType.Integer => "INT32",
        ColumnType.Boolean => "BOOL",
        _ => "BYTES",
    };

    private static JsonArray Outputs(IReadOnlyList<ModelPrediction> predictions, IReadOnlyList<string> classes, bool withProbabilities)
    {
        var n = predictions.Count;
        if (n > 0 && predictions[0].Label is null)
        {
            return [OutputTensor("prediction", "FP64", n, predictions.Select(p => JsonValue.Create(p.Value)))];
        }

        var outputs = new JsonArray
        {
            OutputTensor("predicted_label", "BYTES", n, predictions.Select(p => JsonValue.Create(p.Label))),
            OutputTensor("probability", "FP64", n, predictions.Select(p => JsonValue.Create(p.Probability))),
        };
        if (withProbabilities && n > 0 && predictions[0].Probabilities is not null)
        {
            // Every class's probability: shape [rows, classes], row-major, the class names in the
            // tensor's parameters (OIP allows parameters on an output tensor).
            var all = OutputTensor("probabilities", "FP64", n, predictions.SelectMany(p => p.Probabilities!.Select(v => JsonValue.Create(v))));
            all["shape"] = new JsonArray(n, classes.Count);
            all["parameters"] = new JsonObject { ["classes"] = new JsonArray(classes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()) };
            outputs.Add(all);
        }

        return outputs;
    }

    private static JsonObject OutputTensor(string name, string datatype, int n, IEnumerable<JsonValue?> data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray(n),
        ["data"] = new JsonArray(data.Select(v => (JsonNode?)v).ToArray()),
    };

    private static IResult Metadata(ServedModel model) => ScoringResponses.Json(new JsonObject
    {
        ["name"] = model.Name,
        ["versions"] = new JsonArray(model.Version),
        ["platform"] = "mlnet",
        ["inputs"] = TensorMetadata(model.Signature.Inputs),
        ["outputs"] = TensorMetadata(model.Signature.Outputs),
    });

    private static JsonArray TensorMetadata(IReadOnlyList<ColumnSpec> columns) =>
        new(columns.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["datatype"] = Datatype(c.Type),
            ["shape"] = new JsonArray(-1),
        }).ToArray());

    private static ServedModel Find(ServedModelRegistry models, string name, string? version)
    {
        if (!models.TryGet(name, out var model))
        {
            throw KeelException.NotFound($"Model '{name}' is not being served.");
        }

        return version is null || version == model.Version
            ? model
            : throw KeelException.NotFound($"Model '{name}' version '{version}' is not being served (serving version {model.Version}).");
    }

    /// <summary>A lease on the served generation (of <paramref name="version"/> when given) for one request.</summary>
    private static ModelLease Acquire(ServedModelRegistry models, string name, string? version)
    {
        if (!models.TryAcquire(name, out var lease))
        {
            throw KeelException.NotFound($"Model '{name}' is not being served.");
        }

        if (version is null || version == lease.Version)
        {
            return lease;
        }

        var serving = lease.Version;
        lease.Dispose();
        throw KeelException.NotFound($"Model '{name}' version '{version}' is not being served (serving version {serving}).");
    }

    private static IResult Guard(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (KeelException e)
        {
            return Error(e);
        }
    }

    private static IResult Error(KeelException e) =>
        ScoringResponses.Json(new JsonObject { ["error"] = e.Message }, e.Code.ToHttpStatus());
}
