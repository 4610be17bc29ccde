using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

public sealed class TriplyRobustPanelTests
{
    private static readonly TriplyRobustPanelOptions SmallGrid = new()
    {
        TimeGrid = [0, 0.3],
        UnitGrid = [0, 1],
        NuclearGrid = [double.PositiveInfinity, 0.1],
        Cycles = 2,
    };

    private static TriplyRobustPanel Fixed(double time, double unit, double nuclear) =>
        new(new TriplyRobustPanelOptions { LambdaTime = time, LambdaUnit = unit, LambdaNuclear = nuclear, Tolerance = 1e-10, MaxIterations = 20_000 });

    [Fact]
    public void Trop_with_uniform_weights_and_no_low_rank_term_is_exactly_did()
    {
        var data = ReferencePanels.Prop99;

        var estimate = Fixed(0, 0, double.PositiveInfinity).Estimate(data);

        Assert.Equal(-27.3491110836, estimate.Att, 8);
        Assert.Equal(new DifferenceInDifferences().Estimate(data).Effects.Select(e => e.Effect), estimate.Effects.Select(e => e.Effect),
            (a, b) => Math.Abs(a - b) < 1e-8);
        Assert.Equal(0, estimate.Tuning["low_rank"]);
    }

    [Fact]
    public void Trop_with_uniform_weights_equals_mc_at_the_same_penalty()
    {
        var data = ReferencePanels.Prop99;
        const double lambda = 0.05;

        var trop = Fixed(0, 0, lambda).Estimate(data);
        var mc = new MatrixCompletion(new MatrixCompletionOptions { Lambda = lambda, Tolerance = 1e-10, MaxIterations = 20_000 }).Estimate(data);

        Assert.Equal(mc.Att, trop.Att, 6);
        Assert.NotEqual(new DifferenceInDifferences().Estimate(data).Att, trop.Att, 1);
    }

    [Fact]
    public void A_weighted_trop_fit_meets_the_optimality_conditions()
    {
        var data = ReferencePanels.Prop99;
        var problem = new TropProblem(data.Values.ToArray(), data.N, data.T, data.N0, data.N1, data.T0, 1e-13, 50_000);
        var lambdas = new TropLambdas(0.3, 0.05, 0.02);
        int i = data.N - 1, t = data.T0 + 3;
        var fit = problem.Fit(i, t, lambdas, null);
        var weights = new double[data.N * data.T];
        var distance = problem.Distances(i);
        for (int j = 0; j < data.N; j++)
        {
            for (int s = 0; s < data.T; s++)
            {
                weights[j * data.T + s] = MatrixCompletion.UntreatedMask(data)[j * data.T + s] * Math.Exp(-0.05 * distance[j] - 0.3 * Math.Abs(t - s));
            }
        }

        var kkt = NuclearNormKkt.Check(data.Values.ToArray(), weights, data.N, data.T, lambdas.Nuclear, fit);

        Assert.True(kkt.Rank >= 1);
        Assert.True(kkt.FixedEffectGradient < 1e-8, $"fixed-effect gradient {kkt.FixedEffectGradient}");
        Assert.True(kkt.OnSupport < 1e-3, $"U'GV − I = {kkt.OnSupport}");
        Assert.True(kkt.OffSupport <= 1 + 1e-3, $"off-support norm {kkt.OffSupport}");
    }

    [Fact]
    public void Shifting_all_outcomes_leaves_trop_unchanged_and_shifting_treated_post_moves_it()
    {
        var data = ReferencePanels.Prop99;
        var trop = Fixed(0.3, 0.05, 0.05);
        var all = new BlockPanel(data.Values.ToArray().Select(y => y + 100).ToArray(), data.N0, data.N1, data.T0, data.T1, data.Units, data.Periods);
        var treatedPost = data.WithTreatedRows((_, t, y) => t >= data.T0 ? y + 7 : y);

        double before = trop.Estimate(data).Att;

        Assert.Equal(before, trop.Estimate(all).Att, 5);
        Assert.Equal(before + 7, trop.Estimate(treatedPost).Att, 8);
    }

    [Fact]
    public void Tuned_trop_is_invariant_to_rescaling_outcomes()
    {
        var data = FactorPanel.Simulate(seed: 3, effect: 2);
        var scaled = new BlockPanel(data.Values.ToArray().Select(y => 10 * y).ToArray(), data.N0, data.N1, data.T0, data.T1);
        var trop = new TriplyRobustPanel(SmallGrid);

        var before = trop.Estimate(data);
        var after = trop.Estimate(scaled);

        Assert.Equal(10 * before.Att, after.Att, 4);
        Assert.Equal(before.Tuning["lambda_time"], after.Tuning["lambda_time"]);
        Assert.Equal(before.Tuning["low_rank"], after.Tuning["low_rank"]);
    }

    [Fact]
    public void Trop_recovers_a_known_effect_on_a_low_rank_factor_panel_where_did_is_biased()
    {
        const double effect = 3;
        var data = FactorPanel.Simulate(seed: 11, effect: effect);

        var trop = new TriplyRobustPanel(SmallGrid).Estimate(data);
        double didError = Math.Abs(new DifferenceInDifferences().Estimate(data).Att - effect);

        Assert.True(didError > 1, $"the design should bias DiD; its error was {didError}");
        Assert.True(Math.Abs(trop.Att - effect) < 0.35 * didError, $"TROP {trop.Att} vs truth {effect}; DiD error {didError}");
        Assert.Equal(1, trop.Tuning["low_rank"]);
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Trop_on_prop99_with_default_tuning_uses_time_weights_and_reproduces_its_fixed_lambda_fit()
    {
        // Pseudo-treating Prop99's controls, decaying time weights cut the criterion from ~153k (DiD) to ~54k, so the
        // tuned λ_time must be positive; the tuned estimate must equal a fit at the reported λs.
        var data = ReferencePanels.Prop99;
        var estimate = new TriplyRobustPanel().Estimate(data);
        var tuning = estimate.Tuning;
        var refit = new TriplyRobustPanel(new TriplyRobustPanelOptions
        {
            LambdaTime = tuning["lambda_time"],
            LambdaUnit = tuning["lambda_unit"],
            LambdaNuclear = tuning.TryGetValue("lambda_nn", out double nn) ? nn : double.PositiveInfinity,
        }).Estimate(data);

        Assert.True(tuning["lambda_time"] > 0);
        Assert.InRange(estimate.Att, -27.35, -5);
        Assert.Equal(refit.Att, estimate.Att, 10);
        Assert.Equal(12, estimate.Effects.Count);
    }

    [Fact]
    public void Tuning_pseudo_treats_every_control_up_to_the_cap_and_a_seeded_sample_beyond_it()
    {
        Assert.Equal(Enumerable.Range(0, 38), TropTuning.PseudoTreatedUnits(38, 40, seed: 1));

        var sample = TropTuning.PseudoTreatedUnits(1000, 40, seed: 1);

        Assert.Equal(40, sample.Length);
        Assert.Equal(40, sample.Distinct().Count());
        Assert.Equal(sample.Order(), sample);
        Assert.All(sample, j => Assert.InRange(j, 0, 999));
        Assert.Equal(sample, TropTuning.PseudoTreatedUnits(1000, 40, seed: 1));
        Assert.NotEqual(sample, TropTuning.PseudoTreatedUnits(1000, 40, seed: 2));
    }

    [Fact]
    public void Tuning_holds_one_copy_of_the_control_outcomes_not_a_mask_per_pseudo_treated_unit()
    {
        var data = FactorPanel.Simulate(seed: 4, effect: 0, n0: 2000, n1: 2, t0: 40, t1: 10);
        var options = new TriplyRobustPanelOptions { MaxPseudoTreatedUnits = 2000 };
        _ = new TropTuning(FactorPanel.Simulate(seed: 4, effect: 0, n0: 5, n1: 1, t0: 4, t1: 2), options);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var tuning = new TropTuning(data, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2000, tuning.Units.Count());
        // One N0×T copy is 0.8 MB plus small per-unit objects; a mask per pseudo-treated unit would be 1.6 GB.
        long oneCopy = 8L * data.N0 * data.T;
        Assert.True(allocated < 3 * oneCopy, $"allocated {allocated:N0} bytes; one copy of the controls is {oneCopy:N0}");
    }

    [Fact]
    public void Capped_tuning_uses_only_the_drawn_units_and_is_reproducible()
    {
        var data = FactorPanel.Simulate(seed: 3, effect: 2);
        var capped = new TriplyRobustPanel(SmallGrid with { MaxPseudoTreatedUnits = 8, Seed = 5 });

        var first = capped.Estimate(data);
        var again = capped.Estimate(data);
        var criterion = new TropTuning(data, capped.Options).Criterion(new TropLambdas(0, 0, double.PositiveInfinity));
        var full = new TropTuning(data, SmallGrid).Criterion(new TropLambdas(0, 0, double.PositiveInfinity));

        Assert.Equal(first.Att, again.Att);
        Assert.Equal(first.Tuning, again.Tuning);
        Assert.Equal(8, new TropTuning(data, capped.Options).Units.Count());
        Assert.InRange(criterion, 1e-9, full * (1 - 1e-9));
    }

    [Theory]
    [InlineData(38, 31, 12, 38, 10_000_000, 12)]      // Prop99: every post period of every control
    [InlineData(990, 200, 20, 40, 10_000_000, 1)]     // 1000×200: 50 cells over 40 units
    [InlineData(990, 200, 20, 40, 20_000_000, 2)]
    [InlineData(4990, 100, 20, 40, 10_000_000, 1)]    // over budget with one period each: still one
    [InlineData(200, 100, 10, 40, 10_000_000, 10)]
    [InlineData(500, 100, 10, 40, 10_000_000, 5)]
    public void Tuning_keeps_as_many_post_periods_per_unit_as_the_cell_budget_allows(int n0, int t, int t1, int units, long budget, int expected)
    {
        Assert.Equal(expected, TropTuning.PeriodsPerUnit(n0, t, t1, units, budget));
    }

    [Fact]
    public void Over_its_cell_budget_tuning_draws_the_same_number_of_post_periods_for_every_unit_reproducibly()
    {
        var data = FactorPanel.Simulate(seed: 3, effect: 2);
        var options = SmallGrid with { TuningCellBudget = 3L * data.N0 * data.N0 * data.T, Seed = 7 };

        var cells = new TropTuning(data, options).Cells.ToList();

        var byUnit = cells.GroupBy(c => c.Unit).ToList();
        Assert.Equal(data.N0, byUnit.Count);
        Assert.All(byUnit, g => Assert.Equal(3, g.Count()));
        Assert.All(byUnit, g => Assert.Equal(g.Select(c => c.Period).Order(), g.Select(c => c.Period)));
        Assert.All(cells, c => Assert.InRange(c.Period, data.T0, data.T - 1));
        Assert.Equal(cells, new TropTuning(data, options).Cells);
        Assert.NotEqual(cells, new TropTuning(data, options with { Seed = 8 }).Cells);
        Assert.Equal(data.N0 * data.T1, new TropTuning(data, SmallGrid).Cells.Count());
    }

    [Fact]
    public void A_candidate_whose_partial_criterion_passes_the_best_so_far_is_pruned_with_a_lower_bound()
    {
        var data = FactorPanel.Simulate(seed: 3, effect: 2);
        var lambdas = new TropLambdas(0.3, 0, double.PositiveInfinity);
        double exact = new TropTuning(data, SmallGrid).Criterion(lambdas);
        var tuning = new TropTuning(data, SmallGrid);

        double pruned = tuning.Criterion(lambdas, bound: exact / 10);
        double again = tuning.Criterion(lambdas, bound: exact / 20);
        double recomputed = tuning.Criterion(lambdas);

        Assert.InRange(pruned, exact / 10 * (1 + 1e-12), exact * (1 + 1e-12));
        Assert.Equal(pruned, again);   // still above the lower bound asked for: not refitted
        Assert.Equal(exact, recomputed, 10);
    }

    [Fact]
    public void Pruned_tuning_chooses_what_evaluating_every_candidate_in_full_chooses()
    {
        var data = FactorPanel.Simulate(seed: 11, effect: 1.5);
        double unitScale = TriplyRobustPanel.UnitScale(data), nuclearScale = MatrixCompletion.LambdaMax(data);

        var chosen = new TropTuning(data, SmallGrid).Choose(unitScale, nuclearScale);

        // The same coordinate search with every candidate's criterion computed in full, each from a fresh tuning.
        double Full(TropLambdas l) => new TropTuning(data, SmallGrid).Criterion(l);
        var best = new TropLambdas(0, 0, double.PositiveInfinity);
        for (int cycle = 0; cycle < SmallGrid.Cycles; cycle++)
        {
            var before = best;
            foreach (double x in SmallGrid.TimeGrid)
            {
                best = Full(best with { Time = x }) < Full(best) ? best with { Time = x } : best;
            }
            foreach (double x in SmallGrid.UnitGrid)
            {
                best = Full(best with { Unit = x / unitScale }) < Full(best) ? best with { Unit = x / unitScale } : best;
            }
            foreach (double x in SmallGrid.NuclearGrid)
            {
                best = Full(best with { Nuclear = x * nuclearScale }) < Full(best) ? best with { Nuclear = x * nuclearScale } : best;
            }
            if (best == before)
            {
                break;
            }
        }
        Assert.Equal(best, chosen);
        Assert.True(double.IsFinite(chosen.Nuclear), "the design should call for a low-rank term, so the pruned candidates matter");
    }

    [Fact]
    public void Tuning_reports_progress_up_to_its_total_and_honours_cancellation()
    {
        var data = FactorPanel.Simulate(seed: 3, effect: 2);
        var reports = new List<EstimateProgress>();
        var progress = new Recorder(reports);

        var estimate = new TriplyRobustPanel(SmallGrid).Estimate(data, progress);

        Assert.Equal(new TriplyRobustPanel(SmallGrid).Estimate(data).Att, estimate.Att);
        Assert.True(reports.Count > data.N0, $"{reports.Count} reports");
        Assert.All(reports, r => Assert.Equal("tuning", r.Stage));
        Assert.All(reports, r => Assert.InRange(r.Done, 1, r.Total));
        Assert.Equal(reports[^1].Total, reports[^1].Done);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new TriplyRobustPanel(SmallGrid).Estimate(data, null, cancelled.Token));
    }

    [Fact]
    public void A_numerical_failure_inside_the_low_rank_fit_is_a_clear_measurement_error()
    {
        var data = ReferencePanels.Prop99;
        var huge = new BlockPanel(data.Values.ToArray().Select(y => y * 1e300).ToArray(), data.N0, data.N1, data.T0, data.T1);

        var problem = Assert.Throws<MeasurementNotPossibleException>(() => Fixed(0.3, 0, 0.05).Estimate(huge));

        Assert.StartsWith("TROP could not be fitted: ", problem.Message, StringComparison.Ordinal);
        Assert.Contains("non-finite", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixed_effects_of_separable_weights_with_a_treated_block_meet_their_normal_equations()
    {
        // TROP's weights ω_j·θ_s with a treated block: rows share a profile, so S is built from grouped outer products.
        var data = FactorPanel.Simulate(seed: 6, effect: 1);
        var problem = new TropProblem(data.Values.ToArray(), data.N, data.T, data.N0, data.N1, data.T0, 1e-10, 1);
        var fit = problem.Fit(data.N - 1, data.T - 2, new TropLambdas(0.3, 0.5, double.PositiveInfinity), null);
        var distance = problem.Distances(data.N - 1);
        var y = data.Values.ToArray();
        var rowGradient = new double[data.N];
        var columnGradient = new double[data.T];
        for (int j = 0; j < data.N; j++)
        {
            for (int s = 0; s < data.T; s++)
            {
                double w = problem.Untreated(j, s) ? Math.Exp(-0.5 * distance[j] - 0.3 * Math.Abs(data.T - 2 - s)) : 0;
                double r = w * (y[j * data.T + s] - fit.Fitted(j, s));
                rowGradient[j] += r;
                columnGradient[s] += r;
            }
        }

        Assert.All(rowGradient, g => Assert.True(Math.Abs(g) < 1e-9, $"row gradient {g}"));
        Assert.All(columnGradient, g => Assert.True(Math.Abs(g) < 1e-9, $"column gradient {g}"));
    }

    [Fact]
    public void Exact_fixed_effects_stay_bounded_under_steep_time_weights_and_vanishing_unit_weights()
    {
        // The 300×60 crash: θ_s = e^{−|t−s|} down to e^{−59} and unit weights down to 1e-30 made the factor of S + κ11'
        // meaningless, α and β reached 1e182 and the thresholding Gram overflowed.
        const int n = 40, t = 60, t0 = 50;
        var random = new Random(2);
        var z = new double[n * t];
        var v = new double[n * t];
        double total = 0;
        for (int j = 0; j < n; j++)
        {
            double omega = j % 4 == 0 ? 1e-30 : Math.Exp(-3 * random.NextDouble());
            for (int s = 0; s < t; s++)
            {
                z[j * t + s] = 100 + 10 * random.NextDouble() + s;
                v[j * t + s] = j == n - 1 && s >= t0 ? 0 : omega * Math.Exp(-Math.Abs(t - 1 - s));
                total += v[j * t + s];
            }
        }
        for (int k = 0; k < v.Length; k++)
        {
            v[k] /= total;
        }
        var alpha = new double[n];
        var beta = new double[t];

        Assert.True(new WeightedTwoWayEffects(v, n, t).TrySolve(z, new double[n * t], alpha, beta));

        Assert.All(alpha.Concat(beta), x => Assert.InRange(Math.Abs(x), 0, 1e4));
        for (int j = 0; j < n; j++)
        {
            double gradient = 0, scale = 0;
            for (int s = 0; s < t; s++)
            {
                gradient += v[j * t + s] * (z[j * t + s] - alpha[j] - beta[s]);
                scale += v[j * t + s] * Math.Abs(z[j * t + s]);
            }
            Assert.True(Math.Abs(gradient) <= 1e-8 * scale, $"row {j}: gradient {gradient}, scale {scale}");
        }
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Tuned_trop_on_a_300_by_60_factor_panel_runs_without_a_numerical_failure()
    {
        // The panel of the bench's mc case at 290 + 10 units × 50 + 10 periods (seed 1, true effect 1), where tuning
        // crashed inside the eigensolver.
        var data = BenchPanel(seed: 1, n0: 290, n1: 10, t0: 50, t1: 10, effect: 1);

        var estimate = new TriplyRobustPanel().Estimate(data);

        Assert.InRange(estimate.Att, 0.5, 2);
        Assert.Equal(10, estimate.Effects.Count);
    }

    /// <summary>Y = α_i + 0.05t + 3·U F' (rank 3) + N(0, 0.5²) + effect on treated post cells (the bench's <c>mc</c> panel).</summary>
    private static BlockPanel BenchPanel(int seed, int n0, int n1, int t0, int t1, double effect)
    {
        var random = new Random(seed);
        int n = n0 + n1, periods = t0 + t1;
        var y = new double[n * periods];
        for (int i = 0; i < n; i++)
        {
            double alpha = Normal(random), u0 = Normal(random) + (i >= n0 ? 1 : 0), u1 = Normal(random), u2 = Normal(random);
            for (int t = 0; t < periods; t++)
            {
                double factors = u0 * (t / (double)periods) + u1 * Math.Sin(t / 7.0) + u2 * Math.Cos(t / 3.0);
                y[i * periods + t] = alpha + 0.05 * t + 3 * factors + 0.5 * Normal(random) + (i >= n0 && t >= t0 ? effect : 0);
            }
        }
        return new BlockPanel(y, n0, n1, t0, t1);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class Recorder(List<EstimateProgress> reports) : IProgress<EstimateProgress>
    {
        public void Report(EstimateProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }

    [Theory]
    [InlineData("trop")]
    [InlineData("dwcp")]
    public void The_registry_builds_trop_under_both_names(string name)
    {
        Assert.IsType<TriplyRobustPanel>(PanelEstimators.Create(name));
    }
}
