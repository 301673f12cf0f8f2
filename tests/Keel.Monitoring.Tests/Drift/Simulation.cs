namespace Keel.Monitoring.Tests.Drift;

/// <summary>Seeded sample generators for the false-alarm simulations.</summary>
internal sealed class Simulation(int seed)
{
    private readonly Random _random = new(seed);

    public double[] Normal(int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i += 2)
        {
            // Box-Muller: two independent N(0,1) values per pair of uniforms.
            double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            x[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < n)
            {
                x[i + 1] = r * Math.Sin(2 * Math.PI * u2);
            }
        }

        return x;
    }

    public string?[] Categories(int n, double[] probabilities)
    {
        var x = new string?[n];
        for (int i = 0; i < n; i++)
        {
            double u = _random.NextDouble(), acc = 0;
            int k = 0;
            while (k < probabilities.Length - 1 && u >= (acc += probabilities[k]))
            {
                k++;
            }

            x[i] = ((char)('A' + k)).ToString();
        }

        return x;
    }
}
