namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Where each running sum of a cell lives in its row of doubles: Σy and Σy² per outcome, Σx and Σx² per covariate,
/// Σyx per (outcome, covariate), Σy_i·y_j per pair of outcomes i &lt; j, Σy·exposed per outcome, then Σspend. Counts (n, exposed, with an
/// exposure value) live in a separate row of longs.
/// </summary>
internal sealed class StatisticsLayout
{
    public const int CountN = 0;
    public const int CountExposed = 1;
    public const int CountExposureKnown = 2;
    public const int CountWidth = 3;

    public StatisticsLayout(IReadOnlyList<string> outcomes, IReadOnlyList<string> covariates)
    {
        Outcomes = [.. outcomes];
        Covariates = [.. covariates];
        O = Outcomes.Length;
        C = Covariates.Length;
        Width = 2 * O + 2 * C + O * C + O * (O - 1) / 2 + O + 1;
    }

    public string[] Outcomes { get; }

    public string[] Covariates { get; }

    public int O { get; }

    public int C { get; }

    /// <summary>Doubles per cell.</summary>
    public int Width { get; }

    public int Sum(int outcome) => outcome;

    public int SumSquares(int outcome) => O + outcome;

    public int CovariateSum(int covariate) => 2 * O + covariate;

    public int CovariateSquares(int covariate) => 2 * O + C + covariate;

    public int Cross(int outcome, int covariate) => 2 * O + 2 * C + outcome * C + covariate;

    /// <summary>Σy_i·y_j for outcomes i ≠ j (either order).</summary>
    public int Pair(int i, int j)
    {
        if (i > j)
        {
            (i, j) = (j, i);
        }
        return 2 * O + 2 * C + O * C + i * O - i * (i + 1) / 2 + (j - i - 1);
    }

    /// <summary>Σ y·exposed of an outcome (the outcome among the exposed), for the effect on the treated.</summary>
    public int ExposedCross(int outcome) => 2 * O + 2 * C + O * C + O * (O - 1) / 2 + outcome;

    public int Spend => Width - 1;

    public int OutcomeIndex(string name) => IndexOf(Outcomes, name, "outcome");

    public int CovariateIndex(string name) => IndexOf(Covariates, name, "covariate");

    public bool SameAs(StatisticsLayout other) => Outcomes.AsSpan().SequenceEqual(other.Outcomes) && Covariates.AsSpan().SequenceEqual(other.Covariates);

    private static int IndexOf(string[] names, string name, string role)
    {
        int index = Array.IndexOf(names, name);
        return index >= 0 ? index
            : throw new ArgumentException($"'{name}' is not an {role} of these statistics (they hold {string.Join(", ", names)})", nameof(name));
    }
}
