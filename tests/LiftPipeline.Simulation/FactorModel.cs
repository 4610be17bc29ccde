using LiftPipeline.Statistics.Panels;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Simulation;

/// <summary>
/// A low-rank factor model with known effect: Y_it = α_i + β_t + Σ_k u_ik v_tk + ε_it (+ τ on treated cells).
/// α, β, u ~ N(0, sd²); the factors v_k follow a stationary AR(1) with unit variance (iid at ρ = 0); ε ~ N(0, σ²),
/// scaled by <see cref="TreatedNoiseScale"/> on treated units. The N1 treated units are the top N1 of
/// s·u_i1 + N(0, 1), so assignment is random at s = 0 and correlated with the first loading otherwise.
/// Every draw comes from the seed.
/// </summary>
public sealed record FactorModel
{
    /// <summary>Control units.</summary>
    public int N0 { get; init; } = 39;

    /// <summary>Treated units.</summary>
    public int N1 { get; init; } = 1;

    /// <summary>Pre periods.</summary>
    public int T0 { get; init; } = 30;

    /// <summary>Post periods.</summary>
    public int T1 { get; init; } = 10;

    /// <summary>Number of latent factors.</summary>
    public int Rank { get; init; } = 2;

    /// <summary>The true effect on every treated cell.</summary>
    public double Tau { get; init; }

    /// <summary>Standard deviation of the unit effects α_i.</summary>
    public double UnitEffectSd { get; init; } = 2;

    /// <summary>Standard deviation of the time effects β_t.</summary>
    public double TimeEffectSd { get; init; } = 1;

    /// <summary>Standard deviation of the loadings u_ik.</summary>
    public double LoadingSd { get; init; } = 1;

    /// <summary>AR(1) coefficient ρ of each factor (stationary, unit variance).</summary>
    public double FactorAutocorrelation { get; init; }

    /// <summary>Noise standard deviation σ.</summary>
    public double NoiseSd { get; init; } = 1;

    /// <summary>Multiplier of σ on treated units (unit heteroskedasticity).</summary>
    public double TreatedNoiseScale { get; init; } = 1;

    /// <summary>Strength s with which the first loading drives assignment (0 = random assignment).</summary>
    public double AssignmentOnLoading { get; init; }

    /// <summary>N = N0 + N1.</summary>
    public int N => N0 + N1;

    /// <summary>T = T0 + T1.</summary>
    public int T => T0 + T1;

    /// <summary>One block-design panel (controls first, treated last), with τ added to treated post cells.</summary>
    public BlockPanel Draw(int seed)
    {
        var random = new Random(seed);
        var untreated = Untreated(random, out var treated);
        var rows = Enumerable.Range(0, N).Where(i => !treated[i]).Concat(Enumerable.Range(0, N).Where(i => treated[i])).ToArray();
        var y = new double[N * T];
        for (int k = 0; k < N; k++)
        {
            bool isTreated = k >= N0;
            for (int t = 0; t < T; t++)
            {
                y[k * T + t] = untreated[rows[k], t] + (isTreated && t >= T0 ? Tau : 0);
            }
        }
        return new BlockPanel(y, N0, N1, T0, T1, rows.Select(UnitName).ToArray());
    }

    /// <summary>
    /// A staggered-adoption <see cref="Panel"/> (metric <c>y</c>): the treated units are split evenly over
    /// <paramref name="adoptionPeriods"/> (each in [1, T)) and treated from their adoption period on, τ added there.
    /// </summary>
    public Panel DrawStaggered(int seed, IReadOnlyList<int> adoptionPeriods)
    {
        if (adoptionPeriods.Count == 0 || adoptionPeriods.Any(a => a < 1 || a >= T))
        {
            throw new ArgumentException($"Adoption periods must lie in [1, {T}).", nameof(adoptionPeriods));
        }
        var random = new Random(seed);
        var untreated = Untreated(random, out var treated);
        var values = new double[N * T];
        var w = new bool[N * T];
        int cohort = 0;
        for (int i = 0; i < N; i++)
        {
            int start = treated[i] ? adoptionPeriods[cohort++ % adoptionPeriods.Count] : T;
            for (int t = 0; t < T; t++)
            {
                w[i * T + t] = t >= start;
                values[i * T + t] = untreated[i, t] + (t >= start ? Tau : 0);
            }
        }
        var periods = Enumerable.Range(0, T).Select(t => Period.FromInteger(t)).ToArray();
        var units = Enumerable.Range(0, N).Select(UnitName).ToArray();
        return new Panel(units, periods, [new PanelMatrix("y", N, T, values)], w, arms: null);
    }

    private static string UnitName(int i) => "unit" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Y(0) for all N units (in draw order) and which of them are treated.</summary>
    private double[,] Untreated(Random random, out bool[] treated)
    {
        var alpha = Draws(random, N, UnitEffectSd);
        var beta = Draws(random, T, TimeEffectSd);
        var loadings = Draws(random, N * Rank, LoadingSd);
        var factors = Factors(random);
        var y = new double[N, T];
        treated = Assign(random, loadings);
        for (int i = 0; i < N; i++)
        {
            double sd = NoiseSd * (treated[i] ? TreatedNoiseScale : 1);
            for (int t = 0; t < T; t++)
            {
                double common = 0;
                for (int k = 0; k < Rank; k++)
                {
                    common += loadings[i * Rank + k] * factors[t * Rank + k];
                }
                y[i, t] = alpha[i] + beta[t] + common + sd * Normal.Sample(random, 0, 1);
            }
        }
        return y;
    }

    private double[] Factors(Random random)
    {
        double rho = FactorAutocorrelation, innovation = Math.Sqrt(1 - rho * rho);
        var v = new double[T * Rank];
        for (int k = 0; k < Rank; k++)
        {
            double previous = Normal.Sample(random, 0, 1);
            for (int t = 0; t < T; t++)
            {
                previous = t == 0 ? previous : rho * previous + innovation * Normal.Sample(random, 0, 1);
                v[t * Rank + k] = previous;
            }
        }
        return v;
    }

    private bool[] Assign(Random random, double[] loadings)
    {
        var score = new double[N];
        for (int i = 0; i < N; i++)
        {
            score[i] = (Rank > 0 ? AssignmentOnLoading * loadings[i * Rank] : 0) + Normal.Sample(random, 0, 1);
        }
        var treated = new bool[N];
        foreach (int i in Enumerable.Range(0, N).OrderByDescending(i => score[i]).Take(N1))
        {
            treated[i] = true;
        }
        return treated;
    }

    private static double[] Draws(Random random, int count, double sd)
    {
        var values = new double[count];
        for (int k = 0; k < count; k++)
        {
            values[k] = sd * Normal.Sample(random, 0, 1);
        }
        return values;
    }
}
