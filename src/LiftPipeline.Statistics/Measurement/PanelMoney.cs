using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// A money ratio of a panel estimate — iROAS (incremental revenue ÷ incremental spend) or cost per incremental
/// conversion (incremental spend ÷ incremental conversions) — with its Fieller interval at the measurement's level.
/// When the ratio has no interval, its bounds are NaN and <see cref="Undefined"/> says why (the denominator's interval
/// contains 0, the denominator is not positive, or the variance method gives no replications to pair).
/// </summary>
/// <param name="Metric">The metric of the revenue or conversions side.</param>
/// <param name="Incremental">That metric's incremental total over the treated units' test window.</param>
/// <param name="Value">The ratio; NaN when its denominator is not positive.</param>
/// <param name="Ci">The Fieller interval; NaN bounds when <see cref="Undefined"/>.</param>
public sealed record MoneyRatio(string Metric, double Incremental, double Value, Interval Ci)
{
    /// <summary>Why there is no interval (or no value), or null when there is one.</summary>
    public string? Undefined { get; init; }
}

/// <summary>
/// The spend side of one panel estimate (the primary estimator, per test cell) when the export carries spend: the
/// treated units' spend over their test window, the incremental spend (that spend minus its counterfactual, by the same
/// estimator, variance method and seed as the outcome), and the money ratios. When the controls and the treated units'
/// pre-periods spend nothing, the counterfactual is 0 and the incremental spend is the treated spend, known exactly.
/// </summary>
/// <param name="TreatedSpend">Spend of the treated units over their treated periods.</param>
/// <param name="IncrementalSpend">Incremental spend: <paramref name="TreatedSpend"/> minus its counterfactual.</param>
/// <param name="IncrementalSpendCi">Its interval; both bounds equal it when <paramref name="Estimated"/> is false.</param>
/// <param name="Estimated">True when the spend's counterfactual was estimated (spend outside the treated cells), false when it is 0 by construction.</param>
public sealed record PanelMoney(double TreatedSpend, double IncrementalSpend, Interval IncrementalSpendCi, bool Estimated)
{
    /// <summary>Incremental revenue ÷ incremental spend, when a revenue metric was measured (<see cref="MoneyMetrics"/>); else null.</summary>
    public MoneyRatio? Iroas { get; init; }

    /// <summary>Incremental spend ÷ incremental conversions, when a conversion metric was measured; else null.</summary>
    public MoneyRatio? CostPerIncrementalConversion { get; init; }
}

/// <summary>
/// An incremental total over a test cell's treated (unit, period) cells with what its uncertainty rests on: the
/// uncertainty's interval and replication draws scaled from the ATT to the total, or no uncertainty when it is exact.
/// </summary>
internal readonly record struct IncrementalTotal(double Value, double Low, double High, IReadOnlyList<double>? Draws, bool Exact)
{
    /// <summary>The total of <paramref name="estimate"/> (ATT × <paramref name="treatedCells"/>, its <see cref="MeasuredEstimate.Incremental"/>).</summary>
    public static IncrementalTotal Of(MeasuredEstimate estimate, int treatedCells)
    {
        var u = estimate.Uncertainty;
        var draws = u?.Draws?.Select(d => d * treatedCells).ToArray();
        return new IncrementalTotal(estimate.Incremental, (u?.CiLow ?? double.NaN) * treatedCells, (u?.CiHigh ?? double.NaN) * treatedCells, draws, false);
    }

    /// <summary>A total known without error.</summary>
    public static IncrementalTotal Known(double value) => new(value, value, value, null, true);
}

/// <summary>
/// Adds <see cref="PanelMoney"/> to the primary estimates of a panel measurement whose panel carries spend. The spend
/// and any money metric other than the measured one are measured by the primary estimator with the same variance
/// options (seed, replications), so replication r of each is drawn on the same placebo assignment, bootstrap sample or
/// dropped unit, and the ratios' intervals come from the same replications as the ATT's standard error.
/// </summary>
internal static class PanelMoneyMeasurer
{
    /// <summary><paramref name="measurement"/> with money on each cell's primary estimate; unchanged when the panel has no spend.</summary>
    public static PanelMeasurement Add(Panel panel, PanelMeasureOptions options, PanelMeasurement measurement,
        Func<Panel, PanelMeasureOptions, PanelMeasurement> measure)
    {
        if (panel.Spend is null || measurement.Estimates.Count == 0)
        {
            return measurement;
        }
        string primary = measurement.Estimates[0].Estimator;
        var single = options with { Estimators = [options.Estimators[0]] };
        var revenue = MoneyMetrics.RevenueOf(options.RevenueMetric, panel.MetricNames);
        var conversions = MoneyMetrics.ConversionsOf(options.ConversionMetric, panel.MetricNames);
        var primaries = measurement.Estimates.Where(e => e.Estimator == primary).ToArray();
        MeasuredEstimate[]? Of(string? metric) =>
            metric is null || !panel.MetricNames.Contains(metric, StringComparer.Ordinal) ? null
            : metric == measurement.Metric ? primaries
            : measure(panel, single with { Metric = metric }).Estimates.ToArray();
        var revenueEstimates = Of(revenue);
        var conversionEstimates = Of(conversions);
        var cells = primaries.Select(e => CellSpend(panel, e.TreatedUnits)).ToArray();
        MeasuredEstimate[]? spendEstimates = null;
        if (cells.Any(c => !c.Exact))
        {
            var spendPanel = new Panel(panel.Units, panel.Periods, [panel.Spend], panel.Treatment.ToArray(), panel.Arms);
            spendEstimates = measure(spendPanel, single with { Metric = panel.Spend.Name }).Estimates.ToArray();
        }
        double z = Normal.InvCDF(0, 1, 0.5 + options.VarianceOptions.Level / 2);
        var money = new PanelMoney[primaries.Length];
        for (int k = 0; k < primaries.Length; k++)
        {
            var (treated, cellCount, exact) = cells[k];
            var spend = exact ? IncrementalTotal.Known(treated) : IncrementalTotal.Of(spendEstimates![k], cellCount);
            money[k] = new PanelMoney(treated, spend.Value, new Interval(spend.Low, spend.High), !exact)
            {
                Iroas = revenueEstimates is null ? null : Iroas(revenue!, IncrementalTotal.Of(revenueEstimates[k], cellCount), spend, z),
                CostPerIncrementalConversion = conversionEstimates is null ? null
                    : CostPerConversion(conversions!, IncrementalTotal.Of(conversionEstimates[k], cellCount), spend, z),
            };
        }
        int next = 0;
        var estimates = measurement.Estimates.Select(e => e.Estimator == primary ? e with { Money = money[next++] } : e).ToArray();
        return measurement with { Estimates = estimates };
    }

    /// <summary>
    /// The treated units' spend over their treated periods, the number of those (unit, period) cells, and whether every
    /// other cell of the test (controls, pre-periods) spends nothing, which makes the counterfactual spend 0.
    /// </summary>
    internal static (double Treated, int Cells, bool Exact) CellSpend(Panel panel, IReadOnlyList<string> treatedUnits)
    {
        var spend = panel.Spend!;
        var treated = new HashSet<string>(treatedUnits, StringComparer.Ordinal);
        double total = 0;
        int cells = 0;
        bool exact = true;
        for (int u = 0; u < panel.Units.Count; u++)
        {
            bool isTreated = treated.Contains(panel.Units[u]);
            if (!isTreated && panel.FirstTreatedPeriods[u] >= 0)
            {
                continue;   // another test cell's unit: not part of this comparison
            }
            var row = spend.Row(u);
            for (int t = 0; t < row.Length; t++)
            {
                if (isTreated && panel.IsTreated(u, t))
                {
                    total += row[t];
                    cells++;
                }
                else
                {
                    exact &= row[t] == 0;
                }
            }
        }
        return (total, cells, exact);
    }

    private static MoneyRatio Iroas(string metric, IncrementalTotal revenue, IncrementalTotal spend, double z)
    {
        var ratio = new MoneyRatio(metric, revenue.Value, spend.Value > 0 ? revenue.Value / spend.Value : double.NaN, Interval.None);
        if (!(spend.Value > 0))
        {
            return ratio with { Undefined = "the incremental spend is not positive" };
        }
        return Fieller(ratio, revenue, spend, z, "the incremental spend's interval contains 0");
    }

    private static MoneyRatio CostPerConversion(string metric, IncrementalTotal conversions, IncrementalTotal spend, double z)
    {
        var ratio = new MoneyRatio(metric, conversions.Value, conversions.Value > 0 ? spend.Value / conversions.Value : double.NaN, Interval.None);
        if (!(conversions.Value > 0))
        {
            return ratio with { Undefined = $"the incremental {metric} are not positive" };
        }
        return Fieller(ratio, spend, conversions, z, $"the incremental {metric}' interval contains 0");
    }

    /// <summary>
    /// Fieller's interval of a ÷ b: every R with (a − R·b)² ≤ z²·Var(a − R·b) (Fieller 1954, "Some problems in interval
    /// estimation", JRSS B 16). With an exact side it is the other side's interval divided into or by it; with both
    /// estimated, Var and Cov come from the paired replication draws. Unbounded (undefined) when b's own interval contains 0.
    /// </summary>
    internal static MoneyRatio Fieller(MoneyRatio ratio, IncrementalTotal a, IncrementalTotal b, double z, string denominatorContainsZero)
    {
        if (b.Exact)
        {
            return double.IsFinite(a.Low) && double.IsFinite(a.High)
                ? ratio with { Ci = new Interval(a.Low / b.Value, a.High / b.Value) }
                : ratio with { Undefined = "the estimate has no interval" };
        }
        if (!(double.IsFinite(b.Low) && double.IsFinite(b.High)))
        {
            return ratio with { Undefined = "the estimate has no interval" };
        }
        if (b.Low <= 0 && b.High >= 0)
        {
            return ratio with { Undefined = denominatorContainsZero };
        }
        if (a.Exact)
        {
            return ratio with { Ci = new Interval(a.Value / b.High, a.Value / b.Low) };   // b's interval lies on one side of 0
        }
        if (a.Draws is not { } da || b.Draws is not { } db || da.Count != db.Count || da.Count < 2)
        {
            return ratio with { Undefined = "the variance method gives no replications to pair the two estimates on" };
        }
        var (vaa, vab, vbb) = Covariance(da, db);
        double qa = b.Value * b.Value - z * z * vbb, qb = a.Value * b.Value - z * z * vab, qc = a.Value * a.Value - z * z * vaa;
        double discriminant = qb * qb - qa * qc;
        if (!(qa > 0) || discriminant < 0)
        {
            return ratio with { Undefined = denominatorContainsZero };
        }
        double root = Math.Sqrt(discriminant);
        return ratio with { Ci = new Interval((qb - root) / qa, (qb + root) / qa) };
    }

    /// <summary>Population variances and covariance of paired draws (the replications' own scale, as their standard errors use).</summary>
    private static (double Vaa, double Vab, double Vbb) Covariance(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n = a.Count;
        double ma = 0, mb = 0;
        for (int r = 0; r < n; r++)
        {
            ma += a[r];
            mb += b[r];
        }
        ma /= n;
        mb /= n;
        double vaa = 0, vab = 0, vbb = 0;
        for (int r = 0; r < n; r++)
        {
            double da = a[r] - ma, db = b[r] - mb;
            vaa += da * da;
            vab += da * db;
            vbb += db * db;
        }
        return (vaa / n, vab / n, vbb / n);
    }
}
