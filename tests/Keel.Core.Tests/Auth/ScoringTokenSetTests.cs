using Keel.Core.Auth;

namespace Keel.Core.Tests.Auth;

/// <summary>The set a scoring host without an auth store checks tokens against (<c>keel serve</c>, rolling replicas).</summary>
public sealed class ScoringTokenSetTests
{
    private const string Secret = "keel_score_0123456789abcdef_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
    private const string Other = "keel_score_fedcba9876543210_b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXI";

    [Fact]
    public void Match_FindsTheActiveTokenWhoseTextHashesToItsVerifier_AndNothingElse()
    {
        var set = new ScoringTokenSet(true, [new("a", AuthService.Hash(Secret), 1_000), new("b", AuthService.Hash(Other), 5_000)], 0);

        Assert.Equal("a", set.Match(Secret, 999)?.Id);
        Assert.Equal("b", set.Match(Other, 999)?.Id);
        Assert.Null(set.Match(Secret, 1_000));
        Assert.Equal("b", set.Match(Other, 4_999)?.Id);
        Assert.Null(set.Match(Secret[..^1] + "A", 0));
        Assert.Null(set.Match(Secret + " ", 0));
        Assert.Null(set.Match(null, 0));
        Assert.Null(set.Match(string.Empty, 0));
        Assert.Null(set.Match(new string('x', 201), 0));
    }

    [Fact]
    public void Match_ComparesTheWholeText_NotTheIdPart()
    {
        // A token whose id part matches but whose secret differs is not the token.
        var set = new ScoringTokenSet(true, [new("0123456789abcdef", AuthService.Hash(Secret), long.MaxValue)], 0);
        Assert.Null(set.Match("keel_score_0123456789abcdef_forged", 0));
        Assert.NotNull(set.Match(Secret, 0));
    }

    [Fact]
    public void FromSecrets_TakesEachSecret_AndRefusesShortOrSpacedOnes()
    {
        var a = new string('a', 32);
        var b = "b-" + new string('b', 40);
        var set = ScoringTokenSet.FromSecrets([a, b]);
        Assert.True(set.Guarded);
        Assert.Equal(["env-1", "env-2"], set.Tokens.Select(t => t.Id));
        Assert.Equal("env-2", set.Match(b, long.MaxValue - 1)?.Id);
        Assert.Null(set.Match(new string('a', 31), 0));

        Assert.Contains("shorter than 32", Assert.Throws<ArgumentException>(() => ScoringTokenSet.FromSecrets([a, new string('c', 31)])).Message, StringComparison.Ordinal);
        Assert.Contains("white space", Assert.Throws<ArgumentException>(() => ScoringTokenSet.FromSecrets([a + " " + a])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ScoringTokenSet.FromSecrets([]));
    }

    [Fact]
    public void ASet_RefusesTooManyTokensOrHashesOfTheWrongSize()
    {
        Assert.Throws<ArgumentException>(() => new ScoringTokenSet(true, [new("a", new byte[16], 1)], 0));
        var many = Enumerable.Range(0, ScoringTokenSet.MaxTokens + 1).Select(i => new ScoringVerifier($"t{i}", new byte[32], 1)).ToList();
        Assert.Throws<ArgumentException>(() => new ScoringTokenSet(true, many, 0));
    }
}
