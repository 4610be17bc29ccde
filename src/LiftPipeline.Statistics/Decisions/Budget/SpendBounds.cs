namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>
/// The per-period box every recommendation stays in: for current spend sᵢ, total B = Σ sᵢ, move limit x and floor f·B,
/// Lᵢ = max((1 − x)·sᵢ, f·B) and Uᵢ = max((1 + x)·sᵢ, f·B) — the floor wins, so an option below it is raised to it.
/// Also the two monotone one-dimensional searches the allocators use to land exactly on Σ = B.
/// </summary>
internal sealed class SpendBounds
{
    private const int Iterations = 200;

    private SpendBounds(double[] current, double[] lower, double[] upper, double budget)
    {
        (Current, Lower, Upper, Budget) = (current, lower, upper, budget);
    }

    public double[] Current { get; }

    public double[] Lower { get; }

    public double[] Upper { get; }

    public double Budget { get; }

    public int Count => Current.Length;

    /// <exception cref="ArgumentException">No options, an invalid option or setting, or floors that exceed the budget.</exception>
    public static SpendBounds For(IReadOnlyList<BudgetOption> options, ReallocationOptions settings)
    {
        settings.Validate();
        if (options.Count == 0)
        {
            throw new ArgumentException("a budget recommendation needs at least one option.");
        }
        int n = options.Count;
        var current = new double[n];
        double budget = 0;
        for (int i = 0; i < n; i++)
        {
            options[i].Validate();
            current[i] = options[i].CurrentSpend;
            budget += current[i];
        }
        double floor = settings.FloorShare * budget;
        var lower = new double[n];
        var upper = new double[n];
        double lowest = 0;
        for (int i = 0; i < n; i++)
        {
            lower[i] = Math.Max((1 - settings.MaxMove) * current[i], floor);
            upper[i] = Math.Max((1 + settings.MaxMove) * current[i], floor);
            lowest += lower[i];
        }
        if (lowest > budget * (1 + 1e-12))
        {
            throw new ArgumentException($"the lower bounds add up to {lowest:G6}, more than the budget {budget:G6}: {n} options × floor share {settings.FloorShare} "
                + "plus the move limit leave nothing to move; lower FloorShare or raise MaxMove.");
        }
        return new SpendBounds(current, lower, upper, budget);
    }

    public double Clip(int i, double spend) => Math.Clamp(spend, Lower[i], Upper[i]);

    /// <summary>The least-squares closest allocation to <paramref name="target"/> in the box with Σ = B: clip(targetᵢ + ν) with ν found by bisection.</summary>
    public double[] Project(ReadOnlySpan<double> target)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < Count; i++)
        {
            lo = Math.Min(lo, Lower[i] - target[i]);
            hi = Math.Max(hi, Upper[i] - target[i]);
        }
        var spend = new double[Count];
        double[] t = target.ToArray();
        double nu = Bisect(lo, hi, Budget, v => Fill(spend, i => t[i] + v));
        Fill(spend, i => t[i] + nu);
        return spend;
    }

    /// <summary>
    /// Spends <paramref name="total"/> on the options in <paramref name="group"/> as clip(t·sᵢ) with one scale t, so a
    /// group given exactly its current total does not move; the rest of <paramref name="spend"/> is left alone.
    /// </summary>
    public void Scale(ReadOnlySpan<int> group, double total, double[] spend)
    {
        int[] members = group.ToArray();
        double hi = 0;
        foreach (int i in members)
        {
            hi = Math.Max(hi, Upper[i] / Current[i]);
        }
        double Sum(double t)
        {
            double sum = 0;
            foreach (int i in members)
            {
                spend[i] = Clip(i, t * Current[i]);
                sum += spend[i];
            }
            return sum;
        }
        double scale = Bisect(0, hi, total, Sum);
        Sum(scale);
    }

    /// <summary>Fills <paramref name="spend"/> with clipped values and returns their sum.</summary>
    public double Fill(double[] spend, Func<int, double> value)
    {
        double sum = 0;
        for (int i = 0; i < spend.Length; i++)
        {
            spend[i] = Clip(i, value(i));
            sum += spend[i];
        }
        return sum;
    }

    /// <summary>The argument in [lo, hi] where the non-decreasing <paramref name="sum"/> reaches <paramref name="total"/>.</summary>
    public static double Bisect(double lo, double hi, double total, Func<double, double> sum)
    {
        for (int k = 0; k < Iterations && lo < hi; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }
            if (sum(mid) < total)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    public BudgetRecommendation Recommend(string method, IReadOnlyList<BudgetOption> options, ReallocationOptions settings, double[] spend,
        double[]? probabilityBest = null, double? marginalReturn = null)
    {
        var allocations = new BudgetAllocation[Count];
        for (int i = 0; i < Count; i++)
        {
            allocations[i] = new BudgetAllocation(options[i].Name, Current[i], spend[i], Lower[i], Upper[i], probabilityBest?[i]);
        }
        return new BudgetRecommendation(method, Budget, allocations, settings, marginalReturn);
    }
}
