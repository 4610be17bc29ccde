using System.Globalization;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// The <c>conflated</c> guardrail of a holdout test against every other holdout test live at the same time
/// (docs/guardrails.md): per pair, the shared customers and their share of each test, Pearson's χ² test of dependence of
/// the arms (<see cref="AssignmentDependence"/>), and the interaction Δ of each metric (<see cref="Interaction"/>) with
/// Benjamini–Hochberg over all pairs × metrics. A pair breaches when both declare the same layer yet share a customer,
/// when its arms are dependent, or when an adjusted interaction p-value is below the false discovery rate. Pure.
/// </summary>
public static class ConflatedGuardrail
{
    /// <summary>The guardrail's name in results and alerts.</summary>
    public const string Name = "conflated";

    /// <summary>Findings, in this order: a shared customer in one layer, dependent arms, an interaction.</summary>
    public const string SameLayerFinding = "same-layer", DependentFinding = "dependent", InteractionFinding = "interaction";

    /// <summary>Checks <paramref name="pairs"/> (at least one).</summary>
    /// <param name="pairs">This test against each other live holdout test.</param>
    /// <param name="fdr">The false discovery rate q of the interactions' Benjamini–Hochberg adjustment, in (0, 1).</param>
    /// <param name="dependenceAlpha">The level of the dependence test (default <see cref="AssignmentDependence.DefaultAlpha"/>, 0.01).</param>
    /// <exception cref="ArgumentException">No pair, or a level outside (0, 1).</exception>
    public static GuardrailResult Check(IReadOnlyList<HoldoutPair> pairs, double fdr, double dependenceAlpha = AssignmentDependence.DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0 || !(fdr > 0 && fdr < 1))
        {
            throw new ArgumentException($"give at least one pair and a false discovery rate in (0, 1); got {pairs.Count} pairs and {fdr}");
        }
        var interactions = new List<(int Pair, string Metric, Interaction Value)>();
        for (int i = 0; i < pairs.Count; i++)
        {
            foreach (var cells in pairs[i].Metrics)
            {
                if (Estimate(cells) is { } value)
                {
                    interactions.Add((i, cells.Metric, value));
                }
            }
        }
        var p = new double[interactions.Count];
        for (int k = 0; k < p.Length; k++)
        {
            p[k] = interactions[k].Value.PValue;
        }
        double[] adjusted = MultipleTesting.BenjaminiHochberg(p);
        var evidence = new Dictionary<string, double> { ["fdr"] = fdr, ["dependenceAlpha"] = dependenceAlpha, ["pairs"] = pairs.Count };
        var findings = new SortedSet<int>();
        var breaches = new List<string>();
        var passes = new List<string>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i];
            var notes = new List<string>();
            long shared = pair.Shared;
            double shareHere = pair.Customers == 0 ? 0 : (double)shared / pair.Customers;
            double shareThere = pair.OtherCustomers == 0 ? 0 : (double)shared / pair.OtherCustomers;
            var dependence = AssignmentDependence.Test(pair.Table, dependenceAlpha);
            string key = pair.Other;
            evidence[$"{key}.shared"] = shared;
            evidence[$"{key}.shareOfThis"] = shareHere;
            evidence[$"{key}.shareOfOther"] = shareThere;
            evidence[$"{key}.chiSquare"] = dependence.ChiSquare;
            evidence[$"{key}.dependencePValue"] = dependence.PValue;
            if (pair.SameLayer is { } layer && shared > 0)
            {
                findings.Add(0);
                notes.Add($"both are in layer {layer}, which must keep them apart");
            }
            if (dependence.Flagged)
            {
                findings.Add(1);
                notes.Add($"its arms depend on this test's (χ² = {F(dependence.ChiSquare)}, p = {G(dependence.PValue)} < {G(dependenceAlpha)})");
            }
            double smallest = 1;
            for (int k = 0; k < interactions.Count; k++)
            {
                if (interactions[k].Pair != i)
                {
                    continue;
                }
                var (_, metric, value) = interactions[k];
                evidence[$"{key}.interaction.{metric}.delta"] = value.Delta;
                evidence[$"{key}.interaction.{metric}.pValue"] = value.PValue;
                evidence[$"{key}.interaction.{metric}.pAdjusted"] = adjusted[k];
                smallest = Math.Min(smallest, adjusted[k]);
                if (adjusted[k] < fdr)
                {
                    findings.Add(2);
                    notes.Add($"the effect on {metric} depends on its arm (interaction Δ = {F(value.Delta)}, SE {F(value.StandardError)}, BH-adjusted p = {G(adjusted[k])} < {G(fdr)})");
                }
            }
            string overlap = $"{shared:N0} shared customers ({Percent(shareHere)} of this test, {Percent(shareThere)} of {key})";
            if (notes.Count > 0)
            {
                breaches.Add($"with {key}: {overlap}; {string.Join("; ", notes)}");
            }
            else
            {
                passes.Add($"{key}: {overlap}, arms independent (p = {G(dependence.PValue)}), no interaction (smallest BH-adjusted p = {G(smallest)})");
            }
        }
        if (breaches.Count > 0)
        {
            string[] names = [SameLayerFinding, DependentFinding, InteractionFinding];
            return new(Name, GuardrailStatus.Breach, $"Conflated test {string.Join(". Also ", breaches)}. Each test measures the other too; do not read the lift until they are separated (a layer or independent salts).", evidence)
            {
                Findings = [.. findings.Select(f => names[f])],
            };
        }
        return new(Name, GuardrailStatus.Pass, $"Not conflated with the other live tests: {string.Join("; ", passes)}.", evidence);
    }

    /// <summary>The interaction of <paramref name="cells"/>; null when a cell has fewer than 2 customers or no cell varies.</summary>
    private static Interaction? Estimate(InteractionCells cells)
    {
        if (cells.TT.N < 2 || cells.TC.N < 2 || cells.CT.N < 2 || cells.CC.N < 2)
        {
            return null;
        }
        double variance = cells.TT.Variance + cells.TC.Variance + cells.CT.Variance + cells.CC.Variance;
        return variance > 0 ? Interaction.Estimate(cells.TT, cells.TC, cells.CT, cells.CC) : null;
    }

    private static string Percent(double share) => $"{100 * share:0.##}%";

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
