using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// Placebo and bootstrap replications of the whole staggered estimator (<see cref="CohortVariance.Joint"/>), so the
/// covariance the cohorts get from sharing controls is in the standard error. A placebo replication assigns disjoint
/// random sets of controls, of the real cohort sizes, to the cohorts' starts (Arkhangelsky et al. 2021, Algorithm 4,
/// with the cohort structure kept); a bootstrap replication resamples all units with replacement keeping each unit's
/// cohort (Algorithm 2), drawing again until every cohort and the controls are present. Each cohort is re-estimated the
/// way its variance method re-runs a block estimate (warm starts, fixed penalties and tuning), then aggregated as the
/// estimate is (<see cref="StaggeredAdoption"/>); se = √((r−1)/r)·sd of the replications' ATT, and each calendar period's
/// standard error the same spread of that period's effect. Reproducible from the seed whatever the parallelism.
/// </summary>
internal static class JointCohortVariance
{
    /// <summary>Whether <paramref name="method"/> (a variance method name) replicates the staggered estimator jointly.</summary>
    public static bool Supports(string method) =>
        VarianceEstimators.TryFind(method, out var descriptor) && descriptor.Name is "placebo" or "bootstrap";

    /// <summary>The joint uncertainty of the aggregate of <paramref name="estimates"/> (one per cohort, sharing the same N0 controls first).</summary>
    /// <exception cref="MeasurementNotPossibleException">Too few controls for a joint placebo, or one treated unit in all for the bootstrap.</exception>
    public static Uncertainty Estimate(IReadOnlyList<PanelEstimate> estimates, string method, double att, VarianceOptions options,
        CancellationToken cancellationToken)
    {
        var design = new CohortDesign(estimates);
        bool placebo = VarianceEstimators.TryFind(method, out var descriptor) && descriptor.Name == "placebo";
        var draws = placebo ? Placebo(design, options, cancellationToken) : Bootstrap(design, options, cancellationToken);
        return draws.ToUncertainty(descriptor!.Name, att, options.Replications, options.Level, units: placebo ? null : Math.Min(design.N0, design.TreatedUnits));
    }

    private static ReplicationDraws Placebo(CohortDesign design, VarianceOptions options, CancellationToken cancellationToken)
    {
        int n0 = design.N0 - design.TreatedUnits;
        if (n0 < 1)
        {
            throw new MeasurementNotPossibleException($"A joint placebo needs more control units than treated units over all cohorts (N0={design.N0}, N1={design.TreatedUnits}); use bootstrap, or cohortVariance \"independent\".");
        }
        return Replications.Run(options.Replications, design.Periods, options, (_, random, effects) =>
        {
            var controls = PanelSlices.Range(0, design.N0);
            random.Shuffle(controls);
            var taus = new double[design.Cohorts];
            var cohortEffects = design.EffectBuffers();
            for (int c = 0, start = n0; c < design.Cohorts; start += design.N1[c], c++)
            {
                var rows = new int[n0 + design.N1[c]];
                controls.AsSpan(0, n0).CopyTo(rows);
                controls.AsSpan(start, design.N1[c]).CopyTo(rows.AsSpan(n0));
                taus[c] = design.Reestimators[c](rows, n0, cohortEffects[c]);
            }
            return design.Aggregate(design.N1, taus, cohortEffects, effects);
        }, cancellationToken);
    }

    private static ReplicationDraws Bootstrap(CohortDesign design, VarianceOptions options, CancellationToken cancellationToken)
    {
        if (design.TreatedUnits < 2)
        {
            throw new MeasurementNotPossibleException("The bootstrap is not defined with a single treated unit (every resample has it zero or several times); use placebo variance.");
        }
        int units = design.N0 + design.TreatedUnits;
        return Replications.Run(options.Replications, design.Periods, options, (_, random, effects) =>
        {
            var drawn = new int[units];
            var counts = new int[design.Cohorts];
            int n0;
            do
            {
                n0 = 0;
                Array.Clear(counts);
                for (int k = 0; k < units; k++)
                {
                    drawn[k] = random.Next(units);
                    int cohort = design.CohortOf(drawn[k]);
                    n0 += cohort < 0 ? 1 : 0;
                    counts[Math.Max(cohort, 0)] += cohort < 0 ? 0 : 1;
                }
            }
            while (n0 == 0 || Array.IndexOf(counts, 0) >= 0);
            Array.Sort(drawn);   // controls first, then each cohort's units
            var taus = new double[design.Cohorts];
            var cohortEffects = design.EffectBuffers();
            for (int c = 0, start = n0; c < design.Cohorts; start += counts[c], c++)
            {
                var rows = new int[n0 + counts[c]];
                drawn.AsSpan(0, n0).CopyTo(rows);
                for (int k = 0; k < counts[c]; k++)
                {
                    rows[n0 + k] = drawn[start + k] - design.Offset[c];   // global unit → row of cohort c's block panel
                }
                taus[c] = design.Reestimators[c](rows, n0, cohortEffects[c]);
            }
            return design.Aggregate(counts, taus, cohortEffects, effects);
        }, cancellationToken);
    }

    /// <summary>
    /// The cohorts' shape: global units number the N0 shared controls first, then each cohort's units in order; cohort
    /// c's block panel holds the controls as rows 0..N0−1 and its own units after them.
    /// </summary>
    private sealed class CohortDesign
    {
        public CohortDesign(IReadOnlyList<PanelEstimate> estimates)
        {
            Cohorts = estimates.Count;
            N0 = estimates[0].Data.N0;
            N1 = new int[Cohorts];
            T1 = new int[Cohorts];
            Offset = new int[Cohorts];
            Reestimators = new Reestimate[Cohorts];
            var periods = new SortedSet<Period>();
            for (int c = 0, first = N0; c < Cohorts; c++)
            {
                var data = estimates[c].Data;
                N1[c] = data.N1;
                T1[c] = data.T1;
                Offset[c] = first - N0;
                first += data.N1;
                Reestimators[c] = Replications.Reestimate(estimates[c], updateWeights: true);
                periods.UnionWith(data.Periods.Skip(data.T0));
            }
            TreatedUnits = N1.Sum();
            var calendar = periods.ToList();
            Periods = calendar.Count;
            Calendar = estimates.Select(e => e.Data.Periods.Skip(e.Data.T0).Select(p => calendar.IndexOf(p)).ToArray()).ToArray();
        }

        public int Cohorts { get; }
        public int N0 { get; }
        public int[] N1 { get; }
        public int[] T1 { get; }
        public int TreatedUnits { get; }
        public int Periods { get; }

        /// <summary>Global unit index of cohort c's first unit minus N0 (so global − Offset[c] is its row in the cohort's panel).</summary>
        public int[] Offset { get; }
        public Reestimate[] Reestimators { get; }

        /// <summary>Per cohort, the calendar index of each of its post periods.</summary>
        public int[][] Calendar { get; }

        /// <summary>The cohort of global unit <paramref name="unit"/>, −1 for a control.</summary>
        public int CohortOf(int unit)
        {
            for (int c = Cohorts - 1; c >= 0; c--)
            {
                if (unit >= Offset[c] + N0)
                {
                    return c;
                }
            }
            return -1;
        }

        public double[][] EffectBuffers()
        {
            var buffers = new double[Cohorts][];
            for (int c = 0; c < Cohorts; c++)
            {
                buffers[c] = new double[T1[c]];
            }
            return buffers;
        }

        /// <summary>ATT = Σ w_c τ_c with w_c ∝ n_c·T1_c, and calendar effects weighted by n_c, as <see cref="StaggeredAdoption"/> aggregates.</summary>
        public double Aggregate(int[] n, double[] taus, double[][] cohortEffects, Span<double> calendar)
        {
            double cells = 0, att = 0;
            for (int c = 0; c < Cohorts; c++)
            {
                cells += (double)n[c] * T1[c];
            }
            var units = new double[Periods];
            calendar.Clear();
            for (int c = 0; c < Cohorts; c++)
            {
                att += n[c] * (double)T1[c] / cells * taus[c];
                for (int k = 0; k < T1[c]; k++)
                {
                    calendar[Calendar[c][k]] += n[c] * cohortEffects[c][k];
                    units[Calendar[c][k]] += n[c];
                }
            }
            for (int p = 0; p < Periods; p++)
            {
                calendar[p] /= units[p];
            }
            return att;
        }
    }
}
