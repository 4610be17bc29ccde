using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// The Triply Robust Panel estimator, TROP (Athey, Imbens, Qu, Viviano 2025, arXiv:2508.21536, Algorithm 2; the "doubly
/// weighted" estimator of Imbens' AMLC talk, hence the alias <c>dwcp</c>). For each treated cell (i, t) it fits weighted
/// two-way fixed effects plus a nuclear-norm-penalised low-rank term on the untreated cells, minimising
/// Σ w_js (Y_js − α_j − β_s − L_js)² / Σ w + λ_nn‖L‖_* with w_js = ω_j·θ_s, θ_s = exp(−λ_time·|t − s|) and
/// ω_j = exp(−λ_unit·RMS gap between units j and i over periods both are untreated); τ_it = Y_it − (α_i + β_t + L_it)
/// and the ATT is the mean of τ_it over treated cells.
/// <para>Scaling: dividing the loss by Σ w makes uniform weights (λ_time = λ_unit = 0) exactly <see cref="MatrixCompletion"/>
/// with λ = λ_nn, and (0, 0, ∞) exactly DiD.</para>
/// <para>Tuning (λs not fixed in <see cref="TriplyRobustPanelOptions"/>): leave-one-unit-out pseudo-treatment on the
/// control units alone — each pseudo-treated control unit in turn is treated as if treated in the last T1 periods and
/// the criterion Σ (pseudo-effect)² over its T1 cells is minimised (the paper's cross-validation on control cells, in its
/// block-design form). Every control is pseudo-treated when N0 ≤ <see cref="TriplyRobustPanelOptions.MaxPseudoTreatedUnits"/>
/// (default 40); otherwise that many, drawn with <see cref="TriplyRobustPanelOptions.Seed"/>; and each keeps only as many of
/// its post periods as <see cref="TriplyRobustPanelOptions.TuningCellBudget"/> allows, which caps tuning's cost
/// independently of N0 and T. All share one copy of the outcomes, so memory is O(N·T). The search is coordinate-wise over small grids (λ_time per period, λ_unit in multiples of 1/D
/// with D the median pre-period RMS gap between a control and a treated unit, λ_nn in multiples of MC's λ_max),
/// starting from DiD (0, 0, ∞), for <see cref="TriplyRobustPanelOptions.Cycles"/> passes; fits inside tuning use the
/// looser <see cref="TriplyRobustPanelOptions.TuningTolerance"/>, and pseudo-treated units run in parallel (the result
/// does not depend on the number of threads). <see cref="Estimate(BlockPanel, IProgress{EstimateProgress}?, CancellationToken)"/>
/// reports tuning's progress as pseudo-treated unit fits done.</para>
/// <para>Reported path: for a post period, the mean over treated units of their model's α_i + β_t + L_it; for a pre
/// period, the mean over each treated unit's T1 models of their in-sample fitted values. Tuning reports lambda_time,
/// lambda_unit, low_rank (1 when a low-rank term is used) and lambda_nn (only when finite). Immutable and thread-safe.</para>
/// </summary>
public sealed class TriplyRobustPanel : ITunedEstimator, IProgressReportingEstimator
{
    /// <summary>TROP with the given options (defaults when null).</summary>
    public TriplyRobustPanel(TriplyRobustPanelOptions? options = null)
    {
        Options = options ?? new TriplyRobustPanelOptions();
        if (Options.LambdaTime is < 0 || Options.LambdaUnit is < 0 || Options.LambdaNuclear is < 0 || Options.Cycles < 1 || Options.MaxPseudoTreatedUnits < 2 || Options.TuningCellBudget < 1)
        {
            throw new ArgumentException("TROP needs non-negative λs, at least one tuning cycle, at least two pseudo-treated units and a positive tuning cell budget.", nameof(options));
        }
    }

    /// <summary>The options in force.</summary>
    public TriplyRobustPanelOptions Options { get; }

    /// <inheritdoc />
    public string Name => "trop";

    /// <inheritdoc />
    public PanelEstimate Estimate(BlockPanel data) => Estimate(data, null);

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">Too few controls to tune, or a fit failed numerically.</exception>
    public PanelEstimate Estimate(BlockPanel data, IProgress<EstimateProgress>? progress, CancellationToken cancellationToken = default)
    {
        try
        {
            return Fit(data, progress, cancellationToken);
        }
        catch (NumericalFailureException failure)
        {
            throw new MeasurementNotPossibleException($"TROP could not be fitted: {failure.Message} Fix the λs (e.g. a larger λ_nn or λ_nn = ∞) or check the metric for extreme values.", failure);
        }
    }

    private PanelEstimate Fit(BlockPanel data, IProgress<EstimateProgress>? progress, CancellationToken cancellationToken)
    {
        var lambdas = Options is { LambdaTime: double time, LambdaUnit: double unit, LambdaNuclear: double nuclear }
            ? new TropLambdas(time, unit, nuclear)
            : new TropTuning(data, Options, progress, cancellationToken).Choose(UnitScale(data), MatrixCompletion.LambdaMax(data));
        var problem = new TropProblem(data.Values.ToArray(), data.N, data.T, data.N0, data.N1, data.T0, Options.Tolerance, Options.MaxIterations);
        var cells = new List<(int, int)>(data.N1 * data.T1);
        for (int i = data.N0; i < data.N; i++)
        {
            for (int t = data.T0; t < data.T; t++)
            {
                cells.Add((i, t));
            }
        }
        var counterfactual = new double[data.T];
        problem.FitCells(cells, lambdas, (c, _, fit) => AddToPath(data, cells[c], fit, counterfactual));
        var tuning = new Dictionary<string, double>
        {
            ["lambda_time"] = lambdas.Time,
            ["lambda_unit"] = lambdas.Unit,
            ["low_rank"] = double.IsFinite(lambdas.Nuclear) ? 1 : 0,
        };
        if (double.IsFinite(lambdas.Nuclear))
        {
            tuning["lambda_nn"] = lambdas.Nuclear;
        }
        return EstimateBuilder.FromCounterfactual(this, data, data.TreatedMean(), counterfactual, intercept: true, tuning: tuning);
    }

    /// <summary>D: the median RMS gap between a control unit and a treated unit over pre periods (1 if degenerate).</summary>
    internal static double UnitScale(BlockPanel data)
    {
        var gaps = new List<double>(data.N0 * data.N1);
        for (int i = data.N0; i < data.N; i++)
        {
            for (int j = 0; j < data.N0; j++)
            {
                double sum = 0;
                for (int s = 0; s < data.T0; s++)
                {
                    double gap = data[i, s] - data[j, s];
                    sum += gap * gap;
                }
                gaps.Add(Math.Sqrt(sum / data.T0));
            }
        }
        gaps.Sort();
        double median = gaps.Count % 2 == 1 ? gaps[gaps.Count / 2] : (gaps[gaps.Count / 2 - 1] + gaps[gaps.Count / 2]) / 2;
        return median > 0 ? median : 1;
    }

    /// <summary>Post cell (i, t): its fit's α_i + β_t + L_it; pre periods: the fit's in-sample values spread over the T1 models.</summary>
    private static void AddToPath(BlockPanel data, (int Unit, int Period) cell, TwoWayLowRankFit fit, double[] counterfactual)
    {
        var (i, t) = cell;
        counterfactual[t] += fit.Fitted(i, t) / data.N1;
        for (int s = 0; s < data.T0; s++)
        {
            counterfactual[s] += fit.Fitted(i, s) / (data.N1 * data.T1);
        }
    }

    /// <inheritdoc />
    public IPanelEstimator WithTuningOf(PanelEstimate estimate) => new TriplyRobustPanel(Options with
    {
        LambdaTime = estimate.Tuning["lambda_time"],
        LambdaUnit = estimate.Tuning["lambda_unit"],
        LambdaNuclear = estimate.Tuning["low_rank"] > 0 ? estimate.Tuning["lambda_nn"] : double.PositiveInfinity,
    });
}
