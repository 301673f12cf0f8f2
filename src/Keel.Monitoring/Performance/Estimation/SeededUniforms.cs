namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// The sequence of <c>new Random(seed).NextDouble()</c>, inlined: .NET keeps a seeded
/// <see cref="Random"/> on Knuth's subtractive generator (its "Net5CompatSeedImpl", unchanged since
/// .NET Framework so that seeded sequences stay reproducible), and reaching it through
/// <see cref="Random"/> costs two virtual calls per number. CBPE's standard error draws one number
/// per row and label draw (70 million for 350,000 rows and 200 draws), so it uses this copy;
/// <c>SeededUniformsTests</c> checks it against <see cref="Random"/> number for number.
/// </summary>
internal struct SeededUniforms
{
    private readonly int[] _seedArray;
    private int _inext;
    private int _inextp;

    public SeededUniforms(int seed)
    {
        var seedArray = new int[56];
        int subtraction = seed == int.MinValue ? int.MaxValue : Math.Abs(seed);
        int mj = 161803398 - subtraction;
        seedArray[55] = mj;
        int mk = 1;
        int ii = 0;
        for (int i = 1; i < 55; i++)
        {
            if ((ii += 21) >= 55)
            {
                ii -= 55;
            }

            seedArray[ii] = mk;
            mk = mj - mk;
            if (mk < 0)
            {
                mk += int.MaxValue;
            }

            mj = seedArray[ii];
        }

        for (int k = 1; k < 5; k++)
        {
            for (int i = 1; i < 56; i++)
            {
                int n = i + 30;
                if (n >= 55)
                {
                    n -= 55;
                }

                seedArray[i] -= seedArray[1 + n];
                if (seedArray[i] < 0)
                {
                    seedArray[i] += int.MaxValue;
                }
            }
        }

        _seedArray = seedArray;
        _inext = 0;
        _inextp = 21;
    }

    /// <summary>The next number in [0, 1), as <see cref="Random.NextDouble"/> of a seeded <see cref="Random"/>.</summary>
    public double NextDouble()
    {
        int next = _inext;
        if (++next >= 56)
        {
            next = 1;
        }

        int nextp = _inextp;
        if (++nextp >= 56)
        {
            nextp = 1;
        }

        var seedArray = _seedArray;
        int value = seedArray[next] - seedArray[nextp];
        if (value == int.MaxValue)
        {
            value--;
        }

        if (value < 0)
        {
            value += int.MaxValue;
        }

        seedArray[next] = value;
        _inext = next;
        _inextp = nextp;
        return value * (1.0 / int.MaxValue);
    }
}
