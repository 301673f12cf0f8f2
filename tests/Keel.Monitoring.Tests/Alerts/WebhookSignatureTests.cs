using System.Text;
using Keel.Monitoring.Alerts;

namespace Keel.Monitoring.Tests.Alerts;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"a\":1}");
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Sign_IsTheHmacSha256OfTimestampDotBody_AsOpensslComputesIt()
    {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        Assert.Equal("sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789", WebhookSignature.Sign("whsec_test", 1_700_000_000, Body));
    }

    [Fact]
    public void Verify_AcceptsTheSignature_AndRefusesAnotherBodySecretOrTimestamp()
    {
        var signature = WebhookSignature.Sign("whsec_test", 1_700_000_000, Body);

        Assert.True(WebhookSignature.Verify("whsec_test", signature, "1700000000", Body, SignedAt.AddSeconds(30)));
        Assert.False(WebhookSignature.Verify("whsec_test", signature, "1700000000", Encoding.UTF8.GetBytes("{\"a\":2}"), SignedAt));
        Assert.False(WebhookSignature.Verify("other", signature, "1700000000", Body, SignedAt));
        // the timestamp is signed: moving it forward (to replay later) breaks the signature
        Assert.False(WebhookSignature.Verify("whsec_test", signature, "1700000600", Body, SignedAt.AddSeconds(600)));
        Assert.False(WebhookSignature.Verify("whsec_test", signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal) + "00", "1700000000", Body, SignedAt));
        Assert.False(WebhookSignature.Verify("whsec_test", "sha256=zz", "1700000000", Body, SignedAt));
        Assert.False(WebhookSignature.Verify("whsec_test", null, "1700000000", Body, SignedAt));
    }

    [Fact]
    public void Verify_RefusesATimestampOlderThanTheTolerance_AReplay()
    {
        var signature = WebhookSignature.Sign("whsec_test", 1_700_000_000, Body);

        Assert.False(WebhookSignature.Verify("whsec_test", signature, "1700000000", Body, SignedAt.AddMinutes(6)));
        Assert.True(WebhookSignature.Verify("whsec_test", signature, "1700000000", Body, SignedAt.AddMinutes(6), TimeSpan.FromMinutes(10)));
    }
}
