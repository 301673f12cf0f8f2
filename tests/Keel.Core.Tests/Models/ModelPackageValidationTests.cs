using System.Text.Json;

namespace Keel.Core.Tests.Models;

/// <summary>Descriptor validation: every problem at once, format versions, types, duplicates.</summary>
public sealed class ModelPackageValidationTests : ModelPackageTestBase
{
    [Fact]
    public async Task Read_ManyProblems_AreReportedTogetherInOneError()
    {
        var json = SampleJson();
        json["name"] = "";
        json.Remove("created_at");
        json["stage"] = "prod";
        json["hyperparameters"] = new Dictionary<string, object?> { ["nested"] = new Dictionary<string, object?> { ["a"] = 1 } };
        json["training_metrics"] = new Dictionary<string, object?> { ["auc"] = "high" };
        json["data_schema"] = new Dictionary<string, object?> { ["age"] = "float64" };
        json["signature"] = new Dictionary<string, object?> { ["inputs"] = new[] { Column("", "double") }, ["outputs"] = Array.Empty<object>() };
        WriteDescriptor(Json(json));

        var error = await ReadRefusedAsync();

        Assert.Contains("name: is required and must not be empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("created_at: is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("stage: must be one of", error.Message, StringComparison.Ordinal);
        Assert.Contains("hyperparameters['nested']: must be a string, a number or a boolean", error.Message, StringComparison.Ordinal);
        Assert.Contains("training_metrics['auc']: must be a number", error.Message, StringComparison.Ordinal);
        Assert.Contains("data_schema['age']: type must be one of double, float, long, integer, boolean, string, datetime, binary", error.Message, StringComparison.Ordinal);
        Assert.Contains("signature.inputs[0].name: must not be empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("signature.outputs: must list at least one column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingRequiredFields_AreAllNamed()
    {
        WriteDescriptor("""{"format_version": 1}""");

        var error = await ReadRefusedAsync();

        foreach (var field in new[] { "keel_version", "id", "name", "version", "algorithm", "framework", "created_at", "created_by", "signature" })
        {
            Assert.Contains(field + ": is required", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("99")]
    public async Task Read_UnknownFormatVersion_IsRefused(string version)
    {
        var json = SampleJson();
        json["format_version"] = int.Parse(version, System.Globalization.CultureInfo.InvariantCulture);
        json["some_future_field"] = "x";
        WriteDescriptor(Json(json));

        var error = await ReadRefusedAsync();

        Assert.Contains($"unsupported format version {version}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("some_future_field", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("1.5")]
    [InlineData("null")]
    public async Task Read_FormatVersionNotAnInteger_IsRefused(string value)
    {
        WriteDescriptor(Json(SampleJson()).Replace("\"format_version\":1", "\"format_version\":" + value, StringComparison.Ordinal));
        var error = await ReadRefusedAsync();
        Assert.Contains("format_version: must be an integer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.Double")]
    [InlineData("System.Double, System.Private.CoreLib")]
    [InlineData("Double")]
    [InlineData("float64")]
    [InlineData("int")]
    [InlineData("tensor")]
    [InlineData("")]
    public async Task Read_ColumnTypeOutsideTheFixedSet_IsRefused(string type)
    {
        var message = await RefusedWithAsync("signature", SignatureJson(Column("x", type)));
        Assert.Contains("signature.inputs[0].type: type must be one of", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DuplicateProperties_AreRefused()
    {
        WriteDescriptor(Json(SampleJson()).Replace("\"name\":\"churn\"", "\"name\":\"churn\",\"name\":\"other\"", StringComparison.Ordinal));
        var error = await ReadRefusedAsync();
        Assert.Contains("keel-model.json.name: duplicate property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DuplicateColumnNames_AreRefused()
    {
        var message = await RefusedWithAsync("signature", SignatureJson(Column("x", "double"), Column("x", "long")));
        Assert.Contains("duplicate column name 'x'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("1764180000")]
    [InlineData("\"26/11/2026\"")]
    public async Task Read_BadTimestamp_IsRefused(string value)
    {
        using var parsed = JsonDocument.Parse(value);
        var message = await RefusedWithAsync("created_at", parsed.RootElement.Clone());
        Assert.Contains("created_at: must be an ISO 8601 date and time", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"format_version\": 1,}")]
    [InlineData("// comment\n{}")]
    public async Task Read_DescriptorNotAJsonObject_IsRefused(string text)
    {
        WriteDescriptor(text);
        var error = await ReadRefusedAsync();
        Assert.Contains("keel-model.json", error.Message, StringComparison.Ordinal);
    }
}
