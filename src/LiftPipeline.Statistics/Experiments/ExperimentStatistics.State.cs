namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// <see cref="ExperimentStatistics"/> as plain data, for storing partial statistics and merging them later without the
/// rows: per cell (in <see cref="Cells"/> order) a row of <see cref="Width"/> running sums with their Neumaier
/// compensations, a row of <see cref="ShiftWidth"/> shifts the sums are taken about (one per outcome, then one per
/// covariate) and a row of <see cref="CountWidth"/> counts (n, exposed, with an exposure value), and per arm one
/// sketch state per outcome. The layout of a row is the statistics' own (outcome sums, squares, covariate sums, …), so a
/// state is only meaningful to the code version that wrote it; storage records that version.
/// </summary>
/// <param name="Outcomes">Outcome names, in index order.</param>
/// <param name="Covariates">Covariate names, in index order.</param>
/// <param name="SketchRelativeAccuracy">α of every sketch.</param>
/// <param name="Cells">The non-empty cells.</param>
/// <param name="Sums">Cells × <see cref="Width"/> running sums.</param>
/// <param name="Compensations">Cells × <see cref="Width"/> compensations of <paramref name="Sums"/>.</param>
/// <param name="Shifts">Cells × <see cref="ShiftWidth"/> shifts K: each outcome's and covariate's sums are Σ(y − K), Σ(y − K)², ….</param>
/// <param name="Counts">Cells × <see cref="CountWidth"/> counts.</param>
/// <param name="Sketches">One entry per arm that has cells, each with one sketch per outcome.</param>
public sealed record ExperimentStatisticsState(
    string[] Outcomes, string[] Covariates, double SketchRelativeAccuracy, ExperimentCell[] Cells, double[] Sums, double[] Compensations, double[] Shifts, long[] Counts,
    ArmSketchesState[] Sketches)
{
    /// <summary>Counts per cell: n, exposed, with an exposure value.</summary>
    public const int CountWidth = StatisticsLayout.CountWidth;

    /// <summary>Running sums per cell for these outcomes and covariates.</summary>
    public int Width => WidthOf(Outcomes.Length, Covariates.Length);

    /// <summary>Shifts per cell: one per outcome and one per covariate.</summary>
    public int ShiftWidth => Outcomes.Length + Covariates.Length;

    /// <summary>Running sums per cell for <paramref name="outcomes"/> outcomes and <paramref name="covariates"/> covariates.</summary>
    public static int WidthOf(int outcomes, int covariates) => new StatisticsLayout(new string[outcomes], new string[covariates]).Width;
}

/// <summary>The sketches of one arm, one per outcome in the statistics' outcome order.</summary>
/// <param name="Arm">Arm name.</param>
/// <param name="Outcomes">One sketch state per outcome.</param>
public sealed record ArmSketchesState(string Arm, QuantileSketchState[] Outcomes);

public sealed partial class ExperimentStatistics
{
    /// <summary>These statistics as plain data (copies of the arrays).</summary>
    public ExperimentStatisticsState ToState()
    {
        var arms = new List<ArmSketchesState>(_sketches.Count);
        foreach (var arm in Arms)
        {
            var sketches = _sketches[arm];
            var states = new QuantileSketchState[sketches.Length];
            for (int o = 0; o < states.Length; o++)
            {
                states[o] = sketches[o].ToState();
            }
            arms.Add(new ArmSketchesState(arm, states));
        }
        return new ExperimentStatisticsState([.. _layout.Outcomes], [.. _layout.Covariates], SketchRelativeAccuracy, [.. _cells],
            (double[])_sums.Clone(), (double[])_compensations.Clone(), (double[])_shifts.Clone(), (long[])_counts.Clone(), [.. arms]);
    }

    /// <summary>The statistics <paramref name="state"/> describes; <see cref="Combine"/> of such statistics equals the statistics of the union of their rows.</summary>
    /// <exception cref="ArgumentException">
    /// The state is inconsistent: missing or repeated names or cells, arrays whose lengths do not fit the cells and
    /// outcomes, negative counts, non-finite sums or shifts, sketches of another α, or an arm whose sketches do not count its customers.
    /// </exception>
    public static ExperimentStatistics FromState(ExperimentStatisticsState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var layout = new StatisticsLayout(Names(state.Outcomes, "outcome"), Names(state.Covariates, "covariate"));
        if (!(state.SketchRelativeAccuracy > 0 && state.SketchRelativeAccuracy < 1))
        {
            throw Invalid($"the sketch accuracy must be in (0, 1), not {state.SketchRelativeAccuracy}");
        }
        var cells = new List<ExperimentCell>(state.Cells?.Length ?? 0);
        var unique = new HashSet<ExperimentCell>();
        foreach (var cell in state.Cells ?? throw Invalid("the cells are missing"))
        {
            if (cell?.Arm is null || !unique.Add(cell))
            {
                throw Invalid(cell?.Arm is null ? "a cell has no arm" : $"cell {cell} appears twice");
            }
            cells.Add(cell);
        }
        int n = cells.Count;
        CheckLength(state.Sums, (long)n * layout.Width, "sums");
        CheckLength(state.Compensations, (long)n * layout.Width, "compensations");
        CheckLength(state.Shifts, (long)n * layout.ShiftWidth, "shifts");
        CheckLength(state.Counts, (long)n * StatisticsLayout.CountWidth, "counts");
        CheckFinite(state.Sums, "sum");
        CheckFinite(state.Compensations, "compensation");
        CheckFinite(state.Shifts, "shift");
        var armCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            var counts = state.Counts.AsSpan(i * StatisticsLayout.CountWidth, StatisticsLayout.CountWidth);
            long customers = counts[StatisticsLayout.CountN];
            if (customers <= 0 || counts[StatisticsLayout.CountExposed] < 0 || counts[StatisticsLayout.CountExposed] > customers
                || counts[StatisticsLayout.CountExposureKnown] < 0 || counts[StatisticsLayout.CountExposureKnown] > customers)
            {
                throw Invalid($"cell {cells[i]} has impossible counts (n {customers}, exposed {counts[StatisticsLayout.CountExposed]}, with exposure {counts[StatisticsLayout.CountExposureKnown]})");
            }
            armCounts[cells[i].Arm] = armCounts.GetValueOrDefault(cells[i].Arm) + customers;
        }
        var sketches = new Dictionary<string, QuantileSketch[]>(StringComparer.Ordinal);
        foreach (var arm in state.Sketches ?? throw Invalid("the sketches are missing"))
        {
            if (arm?.Arm is null || !armCounts.TryGetValue(arm.Arm, out long customers) || sketches.ContainsKey(arm.Arm))
            {
                throw Invalid(arm?.Arm is null ? "a sketch entry has no arm" : $"the sketches of arm '{arm.Arm}' are repeated or belong to no cell");
            }
            if (arm.Outcomes is null || arm.Outcomes.Length != layout.O)
            {
                throw Invalid($"arm '{arm.Arm}' has {arm.Outcomes?.Length ?? 0} sketches for {layout.O} outcomes");
            }
            var restored = new QuantileSketch[layout.O];
            for (int o = 0; o < restored.Length; o++)
            {
                restored[o] = QuantileSketch.FromState(arm.Outcomes[o] ?? throw Invalid($"arm '{arm.Arm}' lacks the sketch of '{layout.Outcomes[o]}'"));
                if (restored[o].RelativeAccuracy != state.SketchRelativeAccuracy || restored[o].Count != customers)
                {
                    throw Invalid($"the sketch of '{layout.Outcomes[o]}' in arm '{arm.Arm}' holds {restored[o].Count} values at α {restored[o].RelativeAccuracy}, " +
                        $"not the arm's {customers} customers at α {state.SketchRelativeAccuracy}");
                }
            }
            sketches.Add(arm.Arm, restored);
        }
        if (sketches.Count != armCounts.Count)
        {
            throw Invalid($"arms {string.Join(", ", armCounts.Keys.Where(a => !sketches.ContainsKey(a)))} have cells but no sketches");
        }
        return new ExperimentStatistics(layout, state.SketchRelativeAccuracy, cells, (double[])state.Sums.Clone(), (double[])state.Compensations.Clone(),
            (double[])state.Shifts.Clone(), (long[])state.Counts.Clone(), sketches);
    }

    private static string[] Names(string[]? names, string role)
    {
        if (names is null)
        {
            throw Invalid($"the {role} names are missing");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name) || !seen.Add(name))
            {
                throw Invalid(string.IsNullOrEmpty(name) ? $"an {role} has no name" : $"{role} '{name}' appears twice");
            }
        }
        return names;
    }

    private static void CheckLength<T>(T[]? values, long expected, string what)
    {
        if (values is null || values.Length != expected)
        {
            throw Invalid($"{what} hold {values?.Length ?? 0} values where the cells and outcomes need {expected}");
        }
    }

    private static void CheckFinite(double[] values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw Invalid($"{what} {i} is {values[i]}");
            }
        }
    }

    private static ArgumentException Invalid(string problem) => new($"inconsistent statistics state: {problem}", "state");
}
