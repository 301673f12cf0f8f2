using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Security;

namespace Keel.Core.Tests.Security;

public sealed class MetadataEndpointsTests
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://169.254.170.2/v2/credentials")]
    [InlineData("https://169.254.0.1:8443/x")]
    [InlineData("http://[fe80::1]/x")]
    [InlineData("http://[fd00:ec2::254]/latest")]
    [InlineData("http://[::ffff:169.254.169.254]/latest")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://METADATA.google.internal./computeMetadata/v1/")]
    [InlineData("http://metadata/computeMetadata/v1/")]
    public void CloudMetadataAddresses_AreNamed(string url) => Assert.True(MetadataEndpoints.Names(new Uri(url)));

    [Theory]
    [InlineData("https://hooks.slack.com/services/x")]
    [InlineData("http://10.0.0.5:8080/alerts")]
    [InlineData("http://127.0.0.1:9000/hook")]
    [InlineData("http://169.253.169.254/x")]
    [InlineData("http://[fd00::1]/x")]
    [InlineData("http://metadata.example.com/x")]
    public void OtherAddresses_AreNot(string url) => Assert.False(MetadataEndpoints.Names(new Uri(url)));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "instance-metadata")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "instance-metadata")]
    [InlineData("https://user:secret@hooks.example/x", "credentials")]
    public void AWebhookNotifier_ToAMetadataAddressOrWithCredentials_IsRefused(string url, string says)
    {
        var e = Assert.Throws<KeelException>(() => MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = "credit",
            Notifiers = [new NotifierSpec { Kind = "webhook", Url = url }],
        }));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }
}
