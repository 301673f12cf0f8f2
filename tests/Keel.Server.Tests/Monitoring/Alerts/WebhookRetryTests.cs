using Keel.Server.Monitoring.Alerts;

namespace Keel.Server.Tests.Monitoring.Alerts;

public sealed class WebhookRetryTests
{
    private static readonly AlertWebhookOptions Options = new() { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60), MaxRetryAfter = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 1.0, 1000)]
    [InlineData(2, 0.0, 1000)]
    [InlineData(3, 0.5, 3000)]
    [InlineData(4, 1.0, 8000)]
    [InlineData(10, 1.0, 60000)] // 512 s capped at a minute
    [InlineData(10, 0.0, 30000)]
    public void Backoff_DoublesPerAttempt_WithEqualJitter_UpToTheMaximum(int attempt, double jitter, double expectedMs)
    {
        Assert.Equal(expectedMs, WebhookRetry.Delay(attempt, null, Options, jitter).TotalMilliseconds, 1e-6);
    }

    [Fact]
    public void RetryAfter_IsHonoured_InsteadOfTheBackoff_UpToItsCap()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), WebhookRetry.Delay(1, TimeSpan.FromSeconds(120), Options, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(10), WebhookRetry.Delay(1, TimeSpan.FromHours(3), Options, 0.5));
        Assert.Equal(TimeSpan.Zero, WebhookRetry.Delay(1, TimeSpan.FromSeconds(-5), Options, 0.5));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(408, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(301, false)]
    public void OnlyBusyOrFailingAnswers_AreRetried(int status, bool retried) => Assert.Equal(retried, WebhookRetry.IsRetryable(status));

    [Fact]
    public void Options_OutOfRange_AreRefusedAtStartUp()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new AlertWebhookOptions { QueueCapacity = 0, PublicUrl = "ftp://x" }.Validate());
        Assert.Contains("QueueCapacity", e.Message, StringComparison.Ordinal);
        Assert.Contains("PublicUrl", e.Message, StringComparison.Ordinal);
    }
}
