using Keel.Core.Errors;

namespace Keel.Core.Tests.Errors;

public sealed class ErrorCodesTests
{
    [Theory]
    [InlineData(ErrorCode.InvalidParameterValue, "INVALID_PARAMETER_VALUE", 400)]
    [InlineData(ErrorCode.ResourceDoesNotExist, "RESOURCE_DOES_NOT_EXIST", 404)]
    [InlineData(ErrorCode.RequestTooLarge, "REQUEST_TOO_LARGE", 413)]
    [InlineData(ErrorCode.RequestLimitExceeded, "REQUEST_LIMIT_EXCEEDED", 429)]
    [InlineData(ErrorCode.TemporarilyUnavailable, "TEMPORARILY_UNAVAILABLE", 503)]
    [InlineData(ErrorCode.InsufficientStorage, "INSUFFICIENT_STORAGE", 507)]
    public void Code_HasItsWireNameAndStatus(ErrorCode code, string wire, int status)
    {
        Assert.Equal(wire, code.ToWireName());
        Assert.Equal(status, code.ToHttpStatus());
        Assert.Equal(code, ErrorCodes.FromWireName(wire));
    }

    [Fact]
    public void EveryCode_HasADistinctWireName()
    {
        var names = Enum.GetValues<ErrorCode>().Select(c => c.ToWireName()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }
}
