using System.Reflection;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class ModelSourceValidatorTests
{
    private const string Root = "/srv/keel/artifacts";
    private const string RunId = "0123456789abcdef0123456789abcdef";

    private static KeelException Refused(string? source, string root = Root)
    {
        var error = Assert.Throws<KeelException>(() => ModelSourceValidator.Validate(source, root));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error;
    }

    [Theory]
    [InlineData("runs:/" + RunId + "/model", "runs:/" + RunId + "/model")]
    [InlineData("runs:/" + RunId + "/model/", "runs:/" + RunId + "/model")]
    [InlineData("runs:/" + RunId + "/a//b/./c", "runs:/" + RunId + "/a/b/c")]
    [InlineData("RUNS:/" + RunId + "/model", "runs:/" + RunId + "/model")]
    [InlineData("runs:/" + RunId, "runs:/" + RunId)]
    [InlineData("runs:/" + RunId + "/", "runs:/" + RunId)]
    [InlineData("runs:/" + RunId + "/my%20model", "runs:/" + RunId + "/my model")]
    [InlineData("models:/churn/3", "models:/churn/3")]
    [InlineData("models:/churn/production", "models:/churn/Production")]
    [InlineData("models:/my model@champion", "models:/my model@champion")]
    [InlineData("mlflow-artifacts:/1/" + RunId + "/artifacts/model", "mlflow-artifacts:/1/" + RunId + "/artifacts/model")]
    [InlineData("MLFLOW-ARTIFACTS:/1/x", "mlflow-artifacts:/1/x")]
    [InlineData("mlflow-artifacts:/1/x/", "mlflow-artifacts:/1/x")]
    [InlineData("/srv/keel/artifacts/1/" + RunId + "/artifacts/model", "mlflow-artifacts:/1/" + RunId + "/artifacts/model")]
    [InlineData("/srv/keel/artifacts/1/model/", "mlflow-artifacts:/1/model")]
    [InlineData("/srv/keel/artifacts", "mlflow-artifacts:/")]
    [InlineData("file:///srv/keel/artifacts/1/model", "mlflow-artifacts:/1/model")]
    [InlineData("file:/srv/keel/artifacts/1/model", "mlflow-artifacts:/1/model")]
    [InlineData("FILE:///srv/keel/artifacts/1/my%20model", "mlflow-artifacts:/1/my model")]
    public void Validate_SourceInsideKeelsStore_ReturnsCanonicalForm(string source, string expected) =>
        Assert.Equal(expected, ModelSourceValidator.Validate(source, Root));

    [Theory]
    [InlineData("file:///srv/keel/artifacts")]
    [InlineData("file:///srv/keel/artifacts/")]
    [InlineData("file://localhost/srv/keel/artifacts")]
    [InlineData("/srv/keel/artifacts/")]
    [InlineData("/srv/keel/./artifacts")]
    public void Validate_RootSpellings_AllConfine(string root)
    {
        Assert.Equal("mlflow-artifacts:/1/model", ModelSourceValidator.Validate("/srv/keel/artifacts/1/model", root));
        Refused("/srv/keel/artifacts-evil/1/model", root);
        Refused("/etc/passwd", root);
    }

    [Fact]
    public void Validate_RelativeRoot_IsResolvedAgainstTheCurrentDirectory()
    {
        var full = Path.GetFullPath("keel-data/artifacts");
        Assert.Equal("mlflow-artifacts:/1/model", ModelSourceValidator.Validate(full + "/1/model", "keel-data/artifacts"));
        Refused(full + "-evil/1/model", "keel-data/artifacts");
    }

    [Fact]
    public void Validate_ObjectStoreRoot_AcceptsItsOwnPrefixOnly()
    {
        const string s3Root = "s3://models-bucket/keel/artifacts";
        Assert.Equal("mlflow-artifacts:/1/model", ModelSourceValidator.Validate("s3://models-bucket/keel/artifacts/1/model", s3Root));
        Refused("s3://other-bucket/keel/artifacts/1/model", s3Root);
        Refused("s3://models-bucket/keel/artifacts-evil/1/model", s3Root);
        Refused("s3://models-bucket/keel/artifacts/../secrets", s3Root);
        Refused("s3://models-bucket/keel/artifacts/%2e%2e/secrets", s3Root);
        Refused("gs://models-bucket/keel/artifacts/1/model", s3Root);
        Refused("/srv/keel/artifacts/1/model", s3Root);
    }

    [Fact]
    public void Validate_IsIdempotent()
    {
        foreach (var source in new[]
                 {
                     "runs:/" + RunId + "/a//b", "models:/m/production", "mlflow-artifacts:/1/x%20y",
                     "file:///srv/keel/artifacts/1/m", "/srv/keel/artifacts",
                 })
        {
            var once = ModelSourceValidator.Validate(source, Root);
            Assert.Equal(once, ModelSourceValidator.Validate(once, Root));
        }
    }

    // CVE-2023-1177: MLflow accepted any local path or file:// URI as a version's source, then
    // served files from it through /model-versions/get-artifact: read any file on the host.
    [Fact]
    public void Cve2023_1177_LocalFileInclusionThroughFileScheme_IsRefused()
    {
        Refused("file:///etc/");
        Refused("file:///etc/passwd");
        Refused("/etc/");
        Refused("/home/keel/.aws/credentials");
        Refused("file://localhost/etc/passwd");
    }

    // CVE-2023-2356: relative path traversal in a source; '..' in the path of otherwise accepted
    // schemes (http, mlflow-artifacts, file) climbed out of the intended directory.
    [Fact]
    public void Cve2023_2356_RelativePathTraversalInSource_IsRefused()
    {
        Refused("mlflow-artifacts:/../../../etc");
        Refused("mlflow-artifacts:/1/../../etc/passwd");
        Refused("runs:/" + RunId + "/../../../../etc");
        Refused("file:///srv/keel/artifacts/../../../etc/passwd");
        Refused("/srv/keel/artifacts/1/../../../../etc");
        Refused("http://host/api/2.0/mlflow-artifacts/artifacts/../../../../etc");
    }

    // CVE-2023-2780: a bypass of the 2356 fix with backslashes ("\..\..\file"), which Windows
    // and some path helpers treat as separators while the check only split on '/'.
    [Fact]
    public void Cve2023_2780_BackslashTraversal_IsRefused()
    {
        var error = Refused("file:///srv/keel/artifacts\\..\\..\\etc\\passwd");
        Assert.Contains("backslash", error.Message, StringComparison.Ordinal);
        Refused("mlflow-artifacts:/1\\..\\..\\etc");
        Refused("runs:/" + RunId + "/..\\..\\etc");
        Refused("\\\\server\\share\\model");
        Refused("/srv/keel/artifacts/1/%5c..%5c..%5cetc");
    }

    // CVE-2023-6018: a source naming a remote server (http://attacker/...) whose artifact
    // listing returned absolute paths; registering another version from models:/name/1 made MLflow
    // download those files to the attacker's chosen paths: arbitrary file write, then code execution.
    [Fact]
    public void Cve2023_6018_RemoteSourceThatPlantsFiles_IsRefused()
    {
        Refused("http://attacker:4444/api/2.0/mlflow-artifacts/artifacts/");
        Refused("https://attacker/api/2.0/mlflow-artifacts/artifacts");
        Refused("ftp://attacker/model");

        // The follow-up models:/ reference is fine on its own: it resolves to a version whose
        // source passed this same check when it was created.
        Assert.Equal("models:/mlmodel/1", ModelSourceValidator.Validate("models:/mlmodel/1", Root));
    }

    // CVE-2023-6977: is_local_uri looked at the parsed hostname, so "//proc/self/root" (host
    // "proc" to a URI parser, a local path to the OS) passed as non-local and exposed the file system.
    [Fact]
    public void Cve2023_6977_DoubleSlashPathReadAsHost_IsRefused()
    {
        var error = Refused("//proc/self/root/etc/passwd");
        Assert.Contains("double slashes", error.Message, StringComparison.Ordinal);
        Refused("//srv/keel/artifacts/1/model");
        Refused("file:////proc/self/root");
        Refused("/srv/keel/artifacts//1/model");
        Refused("mlflow-artifacts://proc/self/root");
        Refused("/proc/self/root/srv/keel/artifacts/1/model");
    }

    // CVE-2024-1558: the check only looked at the URI's path; '%23' decoded to '#', pushing
    // "../.." into a fragment the check ignored and the artifact code later appended.
    [Fact]
    public void Cve2024_1558_TraversalHiddenInFragmentOrQuery_IsRefused()
    {
        Refused("http:///xxx%23/api/2.0/mlflow-artifacts/artifacts/../../../../../../../../etc");
        Refused("mlflow-artifacts:/1%23/../../etc");
        Refused("mlflow-artifacts:/1#/../../etc");
        Refused("mlflow-artifacts:/1?/../../etc");
        Refused("runs:/" + RunId + "/model%3F/../../etc");
        Refused("/srv/keel/artifacts/1/model#/../../../etc");
        Refused("file:///srv/keel/artifacts/1%23/../../../etc");
    }

    // CVE-2026-2614: a CreateModelVersion request tagged mlflow.prompt.is_prompt skipped source
    // validation entirely, so a local path was stored and later served. Keel's check has no
    // skip switch: its only inputs are the source and the store root, so tags cannot reach it.
    [Fact]
    public void Cve2026_2614_NoCallerControlledBypassOfSourceValidation()
    {
        var methods = typeof(ModelSourceValidator)
            .GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(method => method.Name == nameof(ModelSourceValidator.Validate))
            .ToList();
        var only = Assert.Single(methods);
        Assert.Equal([typeof(string), typeof(string)], only.GetParameters().Select(parameter => parameter.ParameterType));

        Refused("/etc/passwd");
        Refused("file:///etc/passwd");
        Refused("/proc/self/environ");
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("file:/etc/passwd")]
    [InlineData("file://evil/srv/keel/artifacts/1")]
    [InlineData("file:srv/keel/artifacts/1")]
    [InlineData("http://evil/x")]
    [InlineData("https://evil/x")]
    [InlineData("s3://bucket/x")]
    [InlineData("gs://bucket/x")]
    [InlineData("hdfs://namenode/x")]
    [InlineData("dbfs:/x")]
    [InlineData("ftp://evil/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("C:/Windows/system.ini")]
    [InlineData("c:model")]
    [InlineData("runs:/" + RunId + "/../../x")]
    [InlineData("runs:/" + RunId + "/a/../../x")]
    [InlineData("runs:/" + RunId + "/%2e%2e/x")]
    [InlineData("runs:/" + RunId + "/%2E%2E/x")]
    [InlineData("runs:/" + RunId + "/.%2e/x")]
    [InlineData("runs:/" + RunId + "/%252e%252e/x")]
    [InlineData("runs:/" + RunId + "/a%2f..%2f..%2fx")]
    [InlineData("runs:/" + RunId + "/a%00b")]
    [InlineData("runs:/" + RunId + "/.../x")]
    [InlineData("runs:/" + RunId + "/model;param")]
    [InlineData("runs:/" + RunId + "/model%3Bparam")]
    [InlineData("runs:/../x")]
    [InlineData("runs://" + RunId + "/model")]
    [InlineData("runs:/" + RunId + "x/model")]
    [InlineData("runs:/0123456789ABCDEF0123456789ABCDEF/model")]
    [InlineData("runs:/not-a-run/model")]
    [InlineData("runs:/")]
    [InlineData("runs:")]
    [InlineData("mlflow-artifacts:/../x")]
    [InlineData("mlflow-artifacts:/%2e%2e/x")]
    [InlineData("mlflow-artifacts:/%252e%252e/x")]
    [InlineData("mlflow-artifacts:/x?y=1")]
    [InlineData("mlflow-artifacts:/x#frag")]
    [InlineData("mlflow-artifacts:/x;param")]
    [InlineData("mlflow-artifacts://host/x")]
    [InlineData("mlflow-artifacts:///x")]
    [InlineData("mlflow-artifacts:/1/.keel-upload-abc")]
    [InlineData("mlflow-artifacts:")]
    [InlineData("mlflow-artifacts:abc/def")]
    [InlineData("mlflow-artifacts")]
    [InlineData("mlflow-artifacts:/1/model%3Fx")]
    [InlineData("mlflow-artifacts:/1/model%20")]
    [InlineData("runs:/" + RunId + "/model%09")]
    [InlineData("mlflow-artifacts:/1/model%23x")]
    [InlineData("//proc/self/root/etc")]
    [InlineData("/etc/passwd")]
    [InlineData("/")]
    [InlineData("/srv/keel")]
    [InlineData("/srv/keel/artifacts-evil")]
    [InlineData("/srv/keel/artifacts-evil/1/model")]
    [InlineData("/srv/keel/artifactsX")]
    [InlineData("/srv/keel/artifacts/../artifacts-evil")]
    [InlineData("/srv/keel/artifacts/./1")]
    [InlineData("/srv/keel/artifacts/1/%2e%2e/%2e%2e/x")]
    [InlineData("/srv/keel/artifacts/1/my%20model")]
    [InlineData("/SRV/KEEL/ARTIFACTS/1")]
    [InlineData("/srv/keel/artifacts\\1")]
    [InlineData("/srv/keel/artifacts/1\0/model")]
    [InlineData("/srv/keel/artifacts/1\n/model")]
    [InlineData(" /srv/keel/artifacts/1")]
    [InlineData("/srv/keel/artifacts/1 ")]
    [InlineData("~/artifacts/1")]
    [InlineData("artifacts/1/model")]
    [InlineData("./model")]
    [InlineData("../model")]
    [InlineData("model")]
    [InlineData("models:/churn")]
    [InlineData("models:/churn/3/extra")]
    [InlineData("models:/churn@v1")]
    [InlineData("models://profile/churn/1")]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_UnsafeOrForeignSource_ThrowsInvalidParameterValue(string? source) =>
        Refused(source);

    [Fact]
    public void Validate_TooLong_IsRefused()
    {
        var error = Refused("mlflow-artifacts:/" + new string('a', ModelSourceValidator.MaxLength));
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Refusal_NamesTheSourceAndTheAllowedForms()
    {
        var error = Refused("http://evil/x");
        Assert.Contains("http://evil/x", error.Message, StringComparison.Ordinal);
        Assert.Contains("runs:/", error.Message, StringComparison.Ordinal);
        Assert.Contains("mlflow-artifacts:/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingRoot_IsAProgrammingError() =>
        Assert.Throws<ArgumentException>(() => ModelSourceValidator.Validate("models:/m/1", ""));
}
