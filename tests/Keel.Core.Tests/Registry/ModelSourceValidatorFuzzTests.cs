using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

/// <summary>
/// Glues dangerous pieces together at random (fixed seed) and checks the validator's promises:
/// it only ever throws INVALID_PARAMETER_VALUE, and whatever it accepts is canonical, stays
/// canonical and names nothing outside the store.
/// </summary>
public sealed class ModelSourceValidatorFuzzTests
{
    private const string Root = "/srv/keel/artifacts";

    private static readonly string[] Pieces =
    [
        "/", "//", "..", ".", "%2e", "%2E", "%25", "%252e", "%2f", "%5c", "%3f", "%3b", "%23", "%20", "%00", "\\", "#", "?", ";", ":", "@",
        "runs:", "runs:/", "mlflow-artifacts:", "mlflow-artifacts:/", "file:", "file://", "models:/", "http://", "s3://",
        "/srv/keel/artifacts", "/srv/keel/artifacts-evil", "/etc/passwd", "0123456789abcdef0123456789abcdef",
        "model", "a", " ", "\0", "~", "proc", "self", "root", "Production", "latest", "v1", "champion", ".keel-upload-",
    ];

    [Fact]
    public void RandomSources_AreRefusedCleanlyOrAcceptedCanonically()
    {
        var random = new Random(20261126);
        var accepted = 0;
        for (var i = 0; i < 20000; i++)
        {
            var builder = new StringBuilder();
            var count = random.Next(1, 8);
            for (var j = 0; j < count; j++)
            {
                builder.Append(Pieces[random.Next(Pieces.Length)]);
            }

            var source = builder.ToString();
            string result;
            try
            {
                result = ModelSourceValidator.Validate(source, Root);
            }
            catch (KeelException error)
            {
                Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
                continue;
            }

            accepted++;
            Assert.Equal(result, ModelSourceValidator.Validate(result, Root));
            Assert.DoesNotContain("..", result.Split('/'));
            Assert.DoesNotContain("\\", result, StringComparison.Ordinal);
            Assert.True(
                result.StartsWith("runs:/", StringComparison.Ordinal)
                || result.StartsWith("models:/", StringComparison.Ordinal)
                || result.StartsWith("mlflow-artifacts:/", StringComparison.Ordinal),
                $"'{source}' was accepted as '{result}'");
            if (result.StartsWith("mlflow-artifacts:/", StringComparison.Ordinal))
            {
                var relative = ArtifactUris.ToRelativePath(result);
                Assert.Equal(relative, ArtifactPath.Normalize(relative));
            }
        }

        Assert.True(accepted > 0);
    }

    [Fact]
    public void RandomModelUris_NeverThrowAnythingElse()
    {
        var random = new Random(7);
        for (var i = 0; i < 20000; i++)
        {
            var builder = new StringBuilder("models:");
            var count = random.Next(0, 6);
            for (var j = 0; j < count; j++)
            {
                builder.Append(Pieces[random.Next(Pieces.Length)]);
            }

            var text = builder.ToString();
            if (ModelUri.TryParse(text, out var parsed))
            {
                Assert.Equal(parsed, ModelUri.Parse(parsed.ToString()));
                Assert.DoesNotContain('/', parsed.Name);
            }
            else
            {
                Assert.Null(parsed);
                Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => ModelUri.Parse(text)).Code);
            }
        }
    }
}
