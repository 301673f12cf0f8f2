using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Core.Tests.Registry;

public sealed class RegistryValidatorTests
{
    [Theory]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a@b")]
    [InlineData("a/b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    public void ModelName_ThatCannotBeUsedInAModelsUri_IsRefused(string name)
    {
        var e = Assert.Throws<KeelException>(() => RegistryValidator.ModelName(name));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Theory]
    [InlineData("credit")]
    [InlineData("my model.v2")]
    [InlineData("a..b")]
    [InlineData("Crédit-山田_1:x")]
    public void ModelName_ThatResolvesInAModelsUri_IsAccepted(string name)
    {
        Assert.Equal(name, RegistryValidator.ModelName(name));
        Assert.Equal(name, ModelUri.Parse($"models:/{name}/3").Name);
        Assert.Equal(name, ModelUri.Parse($"models:/{name}@champion").Name);
    }

    [Fact]
    public void ModelName_LoneSurrogateOrTooLong_IsRefusedNamingTheField()
    {
        Assert.Contains("'new_name' is not valid Unicode", Assert.Throws<KeelException>(() => RegistryValidator.ModelName("m\ud800", "new_name")).Message, StringComparison.Ordinal);
        Assert.Contains("length limit of 256", Assert.Throws<KeelException>(() => RegistryValidator.ModelName(new string('m', 257))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServingName_Dots_IsRefusedAsAServingName() =>
        Assert.Contains("Invalid serving name '..'", Assert.Throws<KeelException>(() => RegistryValidator.ServingName("..")).Message, StringComparison.Ordinal);

    [Fact]
    public void ExistingModelName_AcceptsNamesOlderVersionsStored_SoTheyCanStillBeReadAndDeleted() =>
        Assert.Equal("a?b", RegistryValidator.ExistingModelName("a?b"));

    [Fact]
    public void CreateVersion_OverLongRunLinkOrDescription_NamesTheSetting()
    {
        var limits = new InputLimits { MaxRunLinkLength = 10, MaxDescriptionLength = 10 };
        var longLink = new CreateModelVersionCommand("m", "mlflow-artifacts:/x", null, null, new string('l', 11), null, null);
        var longDescription = longLink with { RunLink = null, Description = new string('d', 11) };

        Assert.Contains("Keel:Limits:MaxRunLinkLength", Assert.Throws<KeelException>(() => RegistryValidator.CreateVersion(longLink, limits)).Message, StringComparison.Ordinal);
        Assert.Contains("Keel:Limits:MaxDescriptionLength", Assert.Throws<KeelException>(() => RegistryValidator.CreateVersion(longDescription, limits)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actor_OverLongCommentOrUser_NamesTheSetting()
    {
        var limits = new InputLimits { MaxCommentLength = 5, MaxUserIdLength = 3 };
        RegistryValidator.Actor(new Actor("bob", "short"), limits);

        Assert.Contains("Keel:Limits:MaxCommentLength", Assert.Throws<KeelException>(() => RegistryValidator.Actor(new Actor("bob", "longer"), limits)).Message, StringComparison.Ordinal);
        Assert.Contains("Keel:Limits:MaxUserIdLength", Assert.Throws<KeelException>(() => RegistryValidator.Actor(new Actor("alice"), limits)).Message, StringComparison.Ordinal);
        Assert.Contains("control characters", Assert.Throws<KeelException>(() => RegistryValidator.Actor(new Actor("a\nb"), limits)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_ValueOverMlflowsLimitOrLoneSurrogate_IsRefused()
    {
        RegistryValidator.Tag("k", new string('v', 5000));
        Assert.Contains("length limit of 5000", Assert.Throws<KeelException>(() => RegistryValidator.Tag("k", new string('v', 5001))).Message, StringComparison.Ordinal);
        Assert.Contains("'value' is not valid Unicode", Assert.Throws<KeelException>(() => RegistryValidator.Tag("k", "\udc00")).Message, StringComparison.Ordinal);
    }
}
