namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>
/// The deterministic recommendation: spend the fixed total B = Σ current spend so the options' marginal returns are
/// equal, each within its per-period box [Lᵢ, Uᵢ] (<see cref="SpendBounds"/>), using the point estimates of iROAS.
/// With r(s) = a·s^b (<see cref="PowerResponse"/>) the KKT conditions of max Σ rᵢ(sᵢ) s.t. Σ sᵢ = B, Lᵢ ≤ sᵢ ≤ Uᵢ give
/// sᵢ(λ) = clip(sᵢ⁰·(b·iROASᵢ/λ)^(1/(1−b)), Lᵢ, Uᵢ), and λ is found by bisection. With b = 1 the returns are linear and
/// the optimum fills options in order of iROAS (ties share by one common scale, so equal iROAS means no move).
/// Options with iROAS ≤ 0 stay at their lower bound unless the others cannot absorb the budget; the rest then goes to
/// them by the linear rule, best iROAS first — with b &lt; 1 their modelled losses are convex and that is not the
/// model's optimum, only a sign that the total budget should fall (<see cref="BudgetRecommendation.MarginalReturn"/> is
/// then null). Pure and thread-safe.
/// </summary>
public static class EqualMarginalReturn
{
    /// <summary>The method name on the recommendation.</summary>
    public const string Method = "equal-marginal-return";

    /// <summary>Recommends next period's spends.</summary>
    /// <exception cref="ArgumentException">No options, an invalid option or setting, or floors above the budget.</exception>
    public static BudgetRecommendation Recommend(IReadOnlyList<BudgetOption> options, ReallocationOptions? settings = null)
    {
        settings ??= ReallocationOptions.Default;
        var box = SpendBounds.For(options, settings);
        var iroas = new double[box.Count];
        for (int i = 0; i < iroas.Length; i++)
        {
            iroas[i] = options[i].Iroas;
        }
        var spend = new double[box.Count];
        double? lambda = settings.Elasticity >= 1
            ? FillByLevel(box, iroas, AllIndices(box.Count), box.Budget, spend)
            : Concave(box, iroas, settings.Elasticity, spend);
        return box.Recommend(Method, options, settings, spend, marginalReturn: lambda);
    }

    /// <summary>
    /// Linear returns: everyone in <paramref name="members"/> starts at Lᵢ; the rest of <paramref name="total"/> goes to
    /// the highest iROAS up to Uᵢ, then the next; the group where it runs out shares it by one scale. Returns that group's iROAS.
    /// </summary>
    internal static double? FillByLevel(SpendBounds box, double[] iroas, int[] members, double total, double[] spend)
    {
        double remaining = total;
        foreach (int i in members)
        {
            spend[i] = box.Lower[i];
            remaining -= spend[i];
        }
        int[] order = (int[])members.Clone();
        double[] keys = new double[order.Length];
        for (int k = 0; k < order.Length; k++)
        {
            keys[k] = -iroas[order[k]];
        }
        Array.Sort(keys, order);
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            double capacity = 0, groupLower = 0;
            while (end < order.Length && iroas[order[end]] == iroas[order[start]])
            {
                capacity += box.Upper[order[end]] - box.Lower[order[end]];
                groupLower += box.Lower[order[end]];
                end++;
            }
            if (capacity >= remaining)
            {
                box.Scale(order.AsSpan(start, end - start), groupLower + Math.Max(remaining, 0), spend);
                return iroas[order[start]];
            }
            for (int k = start; k < end; k++)
            {
                spend[order[k]] = box.Upper[order[k]];
            }
            remaining -= capacity;
            start = end;
        }
        return null;
    }

    /// <summary>Diminishing returns, b &lt; 1: bisection on log λ for Σ sᵢ(λ) = B. Returns λ.</summary>
    private static double? Concave(SpendBounds box, double[] iroas, double b, double[] spend)
    {
        var positive = new List<int>();
        var other = new List<int>();
        double atUpper = 0;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < iroas.Length; i++)
        {
            if (iroas[i] > 0)
            {
                positive.Add(i);
                atUpper += box.Upper[i];
                var r = PowerResponse.FromIroas(iroas[i], box.Current[i], b);
                lo = Math.Min(lo, Math.Log(r.Marginal(box.Upper[i])));
                hi = Math.Max(hi, Math.Log(r.Marginal(Math.Max(box.Lower[i], 1e-12 * box.Current[i]))));
            }
            else
            {
                other.Add(i);
                spend[i] = box.Lower[i];
                atUpper += box.Lower[i];
            }
        }
        if (atUpper <= box.Budget)
        {
            // The positive options cannot absorb the budget even at their upper bounds; the rest goes to the least bad.
            double rest = box.Budget;
            foreach (int i in positive)
            {
                spend[i] = box.Upper[i];
                rest -= spend[i];
            }
            FillByLevel(box, iroas, [.. other], rest, spend);
            return null;
        }
        double Sum(double negativeLogLambda)
        {
            double lambda = Math.Exp(-negativeLogLambda), sum = 0;
            foreach (int i in positive)
            {
                // Equal marginal returns at the optimum: r'ᵢ(sᵢ) = λ (Lagrange/KKT for a separable concave objective).
                spend[i] = box.Clip(i, PowerResponse.FromIroas(iroas[i], box.Current[i], b).SpendAtMarginal(lambda));
                sum += spend[i];
            }
            foreach (int i in other)
            {
                sum += spend[i];
            }
            return sum;
        }
        double x = SpendBounds.Bisect(-hi - 1, -lo + 1, box.Budget, Sum);
        Sum(x);
        return Math.Exp(-x);
    }

    private static int[] AllIndices(int n)
    {
        var all = new int[n];
        for (int i = 0; i < n; i++)
        {
            all[i] = i;
        }
        return all;
    }
}
