using Keel.Core.Artifacts;
using Keel.Core.Errors;

namespace Keel.Core.Tests.Artifacts;

public sealed class ArtifactPathTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData(".", "")]
    [InlineData("./", "")]
    [InlineData("model.pkl", "model.pkl")]
    [InlineData("model/MLmodel", "model/MLmodel")]
    [InlineData("a//b/./c/", "a/b/c")]
    [InlineData("./a/b", "a/b")]
    [InlineData("a b/c d.txt", "a b/c d.txt")]
    [InlineData("model:v1.txt", "model:v1.txt")]
    [InlineData("dir/file:v2", "dir/file:v2")]
    [InlineData(".hidden/.config", ".hidden/.config")]
    [InlineData("a..b/c..", "a..b/c..")]
    [InlineData("..a/b..c", "..a/b..c")]
    [InlineData("100%.txt", "100%.txt")]
    [InlineData("50%off", "50%off")]
    [InlineData("%zz", "%zz")]
    [InlineData("~/x", "~/x")]
    [InlineData("données/模型.bin", "données/模型.bin")]
    public void Normalize_SafePath_ReturnsCanonicalRelativePath(string? input, string expected) =>
        Assert.Equal(expected, ArtifactPath.Normalize(input));

    public static TheoryData<string> UnsafeDecodedPaths => new()
    {
        // Parent segments, in every position and spelling.
        "..",
        "../",
        "../x",
        "a/../../x",
        "a/..",
        "a/../b",
        "./../x",
        "a/./../../b",
        "...",
        "a/..../b",
        // Absolute paths.
        "/etc/passwd",
        "//etc/passwd",
        "///x",
        "/",
        "C:",
        "C:/Windows/win.ini",
        "c:x",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "mlflow-artifacts:/0/x",
        "http://evil/x",
        "s3://bucket/key",
        // Backslashes.
        "..\\x",
        "a\\..\\..\\x",
        "\\\\server\\share",
        "a\\b",
        "C:\\Windows",
        // NUL and control characters.
        "a\0b",
        "a/\0/b",
        "\0",
        "x\n",
        "x\r\ny",
        "tab\there",
        "del\u007f",
        // Fragments.
        "a#b",
        "#",
        // Percent escapes left after the transport decoded once (double encoding).
        "%2e%2e",
        "%2E%2E/x",
        "%2e%2e%2fx",
        "a/%2e%2e/b",
        ".%2e/x",
        "%2e./x",
        "%252e%252e",
        "%2f",
        "%2F",
        "a%2fb",
        "%252f",
        "%5c",
        "%5C..%5C",
        "%00",
        "a%00b",
        "%25",
        "%25252e",
        "a%20b",
        // Reserved temporary names.
        ".keel-upload-0123",
        "a/.keel-upload-x/b",
        ".KEEL-UPLOAD-x",
    };

    [Theory]
    [MemberData(nameof(UnsafeDecodedPaths))]
    public void Normalize_UnsafePath_ThrowsInvalidParameterValue(string input)
    {
        var error = Assert.Throws<KeelException>(() => ArtifactPath.Normalize(input));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.StartsWith("Invalid path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_TooLongPathOrSegment_Throws()
    {
        Assert.Throws<KeelException>(() => ArtifactPath.Normalize(new string('a', ArtifactPath.MaxLength + 1)));
        Assert.Throws<KeelException>(() => ArtifactPath.Normalize("dir/" + new string('a', 256)));
        Assert.Throws<KeelException>(() => ArtifactPath.Normalize(new string('é', 128)));
        Assert.Equal(new string('a', 255), ArtifactPath.Normalize(new string('a', 255)));
    }

    [Theory]
    [InlineData("model.pkl", "model.pkl")]
    [InlineData("a%20b/c.txt", "a b/c.txt")]
    [InlineData("d%C3%A9j%C3%A0/x", "déjà/x")]
    [InlineData("a/b/", "a/b")]
    [InlineData("100%25.txt", "100%.txt")]
    [InlineData("", "")]
    public void NormalizeEncoded_SafeRawPath_DecodesOnce(string raw, string expected) =>
        Assert.Equal(expected, ArtifactPath.NormalizeEncoded(raw));

    [Theory]
    [InlineData("..")]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("%2e%2e")]
    [InlineData("%2E%2E/etc/passwd")]
    [InlineData("%2e%2e%2f%2e%2e%2fetc")]
    [InlineData(".%2e/x")]
    [InlineData("%2e./x")]
    [InlineData("%252e%252e/x")]
    [InlineData("%25252e%25252e")]
    [InlineData("%25%32%65%25%32%65")]
    [InlineData("a%2520b")]
    [InlineData("a%2fb")]
    [InlineData("a%2Fb")]
    [InlineData("..%2fx")]
    [InlineData("%252f")]
    [InlineData("%5c")]
    [InlineData("..%5c..%5cx")]
    [InlineData("a%00b")]
    [InlineData("a%0ab")]
    [InlineData("a%23b")]
    [InlineData("%2fetc%2fpasswd")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/x")]
    [InlineData("a\\b")]
    [InlineData("%2ekeel-upload-x")]
    [InlineData(".keel-upload-x")]
    public void NormalizeEncoded_UnsafeRawPath_ThrowsInvalidParameterValue(string raw)
    {
        var error = Assert.Throws<KeelException>(() => ArtifactPath.NormalizeEncoded(raw));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal(400, error.Code.ToHttpStatus());
    }

    [Fact]
    public void Normalize_ErrorMessage_DoesNotEchoInput()
    {
        var error = Assert.Throws<KeelException>(() => ArtifactPath.Normalize("../<script>alert(1)</script>"));
        Assert.DoesNotContain("<script>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "a", "a")]
    [InlineData("a", "", "a")]
    [InlineData("a", "b/c", "a/b/c")]
    public void Combine_JoinsWithSlash(string first, string second, string expected) =>
        Assert.Equal(expected, ArtifactPath.Combine(first, second));

    [Theory]
    [InlineData("a/b/c.txt", "c.txt")]
    [InlineData("c.txt", "c.txt")]
    public void FileName_IsLastSegment(string path, string expected) =>
        Assert.Equal(expected, ArtifactPath.FileName(path));
}
