using Keel.Monitoring.Performance.Estimation;

namespace Keel.Monitoring.Tests.Performance.Estimation;

public class SeededUniformsTests
{
    [Theory]
    [InlineData(42)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-7)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void NextDouble_IsSeededRandomsSequence_NumberForNumber(int seed)
    {
        var expected = new Random(seed);
        var actual = new SeededUniforms(seed);
        for (var i = 0; i < 200_000; i++)
        {
            Assert.Equal(expected.NextDouble(), actual.NextDouble());
        }
    }
}
