using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Measurement;

/// <summary>
/// Simulated geo panels with spend and a known return: revenue_it = α_i + β_t + ε_it + <see cref="TrueIroas"/> × extra
/// spend_it, where the extra spend (about 100 a period) goes to the treated units in the test window only; conversions
/// follow at one per <see cref="TrueCostPerConversion"/> of extra spend. Business-as-usual spend, when asked for, runs
/// in every unit and period (with unit and time effects of its own) and returns nothing, so the incremental spend is
/// the extra spend alone and the true iROAS is <see cref="TrueIroas"/> either way.
/// </summary>
internal static class SpendPanels
{
    public const double TrueIroas = 2.5;
    public const double TrueCostPerConversion = 20;

    /// <summary>A panel of <paramref name="controls"/> + <paramref name="treated"/> units over <paramref name="pre"/> + <paramref name="post"/> daily periods.</summary>
    /// <param name="staggered">Every second treated unit starts 3 periods later (staggered adoption).</param>
    /// <param name="cells">The treated units split into arms <c>a</c> and <c>b</c> (a multi-cell test).</param>
    public static Panel Build(int seed, int controls = 30, int treated = 6, int pre = 30, int post = 10, bool businessAsUsual = false, bool withSpend = true,
        double noise = 20, bool staggered = false, bool cells = false)
    {
        var rng = new Random(seed);
        int n = controls + treated, t = pre + post;
        var units = Enumerable.Range(0, n).Select(i => $"geo{i:D2}").ToArray();   // controls first in ordinal order, treated last
        var periods = Enumerable.Range(0, t).Select(d => Period.FromDate(new DateOnly(2026, 1, 1).AddDays(d))).ToArray();
        var revenue = new double[n * t];
        var conversions = new double[n * t];
        var spend = new double[n * t];
        var w = new bool[n * t];
        var timeEffect = Enumerable.Range(0, t).Select(_ => 50 * rng.NextDouble()).ToArray();
        for (int i = 0; i < n; i++)
        {
            double level = 500 + 200 * rng.NextDouble(), spendLevel = 40 + 30 * rng.NextDouble();
            for (int s = 0; s < t; s++)
            {
                int cell = i * t + s;
                bool isTreated = i >= controls && s >= pre + (staggered && (i - controls) % 2 == 1 ? 3 : 0);
                double extra = isTreated ? 80 + 40 * rng.NextDouble() : 0;
                w[cell] = isTreated;
                revenue[cell] = level + timeEffect[s] + noise * Normal(rng) + TrueIroas * extra;
                conversions[cell] = level / 10 + timeEffect[s] / 10 + noise / 10 * Normal(rng) + extra / TrueCostPerConversion;
                spend[cell] = extra + (businessAsUsual ? spendLevel + timeEffect[s] / 5 + 5 * rng.NextDouble() : 0);
            }
        }
        return new Panel(units, periods,
            [new PanelMatrix("revenue", n, t, revenue), new PanelMatrix("conversions", n, t, conversions)], w,
            cells ? [.. Enumerable.Range(0, n).Select(i => i < controls ? null : (i - controls) % 2 == 0 ? "a" : "b")] : null,
            withSpend ? new PanelMatrix("spend", n, t, spend) : null);
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
