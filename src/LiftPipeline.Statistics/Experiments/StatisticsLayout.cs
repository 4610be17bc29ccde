namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Where each running sum of a cell lives in its row of doubles. Every outcome y and covariate x is summed about the
/// cell's shift for it (K, in a row of <see cref="ShiftWidth"/> doubles: outcomes then covariates): Σ(y − K) and
/// Σ(y − K)² per outcome, Σ(x − K) and Σ(x − K)² per covariate, Σ(y − K)(x − K) per (outcome, covariate),
/// Σ(y_i − K_i)(y_j − K_j) per pair of outcomes i &lt; j, Σ(y − K)·exposed per outcome, then Σspend (unshifted).
/// Counts (n, exposed, with an exposure value) live in a separate row of longs.
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
        ShiftWidth = O + C;
    }

    public string[] Outcomes { get; }

    public string[] Covariates { get; }

    public int O { get; }

    public int C { get; }

    /// <summary>Doubles per cell.</summary>
    public int Width { get; }

    /// <summary>Shifts per cell: one per outcome, then one per covariate.</summary>
    public int ShiftWidth { get; }

    public int OutcomeShift(int outcome) => outcome;

    public int CovariateShift(int covariate) => O + covariate;

    /// <summary>Where Σ(v − K) of shifted metric <paramref name="v"/> (an outcome, then the covariates) lives.</summary>
    public int ShiftedSum(int v) => v < O ? Sum(v) : CovariateSum(v - O);

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

    /// <summary>
    /// Moves one cell's <paramref name="sums"/> (over <paramref name="n"/> customers, <paramref name="exposed"/> of them
    /// exposed) from shifts <paramref name="from"/> to shifts <paramref name="to"/>: with y − K' = (y − K) + d,
    /// Σ(y − K') = Σ(y − K) + n·d, Σ(y − K')(x − K') = Σ(y − K)(x − K) + d_x·Σ(y − K) + d_y·Σ(x − K) + n·d_y·d_x and
    /// Σ(y − K')·exposed = Σ(y − K)·exposed + d·exposed — exact in exact arithmetic.
    /// </summary>
    public void Recentre(Span<double> sums, long n, long exposed, ReadOnlySpan<double> from, ReadOnlySpan<double> to)
    {
        Span<double> d = ShiftWidth <= 64 ? stackalloc double[ShiftWidth] : new double[ShiftWidth];
        Span<double> first = ShiftWidth <= 64 ? stackalloc double[ShiftWidth] : new double[ShiftWidth];
        for (int v = 0; v < ShiftWidth; v++)
        {
            d[v] = from[v] - to[v];
            first[v] = sums[ShiftedSum(v)];
        }
        for (int o = 0; o < O; o++)
        {
            double dy = d[OutcomeShift(o)], sy = first[OutcomeShift(o)];
            sums[SumSquares(o)] += dy * (2 * sy + n * dy);
            sums[ExposedCross(o)] += dy * exposed;
            for (int j = o + 1; j < O; j++)
            {
                double dz = d[OutcomeShift(j)];
                sums[Pair(o, j)] += dz * sy + dy * first[OutcomeShift(j)] + n * dy * dz;
            }
            for (int c = 0; c < C; c++)
            {
                double dx = d[CovariateShift(c)];
                sums[Cross(o, c)] += dx * sy + dy * first[CovariateShift(c)] + n * dy * dx;
            }
        }
        for (int c = 0; c < C; c++)
        {
            double dx = d[CovariateShift(c)];
            sums[CovariateSquares(c)] += dx * (2 * first[CovariateShift(c)] + n * dx);
        }
        for (int v = 0; v < ShiftWidth; v++)
        {
            sums[ShiftedSum(v)] += n * d[v];
        }
    }

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
