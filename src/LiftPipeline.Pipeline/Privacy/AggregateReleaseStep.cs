using System.Globalization;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Decisions.Privacy;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>What the aggregate release of a run did.</summary>
/// <param name="Table">The released table; null when the budget refused the run.</param>
/// <param name="Note">The report's "Privacy" line; null when released exact (the report then says nothing new).</param>
/// <param name="Refused">True when the budget could not afford the run's release.</param>
public sealed record AggregateOutcome(AggregateTable? Table, string? Note, bool Refused);

/// <summary>
/// The aggregate export of one holdout run, after <see cref="ReleasePolicy"/>: builds the arm × cell table from the
/// statistics (clipped to [0, bound] under <c>privacy.noise</c>), leaves out every cell suppression hides, charges the
/// campaign's budget once per run (<see cref="PrivacyLedger"/>) and writes <c>aggregates.json</c> and <c>.csv</c>; a
/// run the budget cannot afford writes no table and raises the caller's alert once per budget.
/// </summary>
internal static class AggregateReleaseStep
{
    private static readonly ExperimentDimension[] Dimensions = [ExperimentDimension.Segment, ExperimentDimension.Surface, ExperimentDimension.Market];

    /// <summary>Releases the run's table (see the class); <paramref name="measured"/> is the measurement before suppression.</summary>
    /// <param name="store">The store.</param>
    /// <param name="campaign">The campaign.</param>
    /// <param name="runId">The run.</param>
    /// <param name="policy">The campaign's release policy (minimum, noise).</param>
    /// <param name="metrics">The campaign's metrics.</param>
    /// <param name="measured">The measurement before suppression (for the cells it hides).</param>
    /// <param name="statistics">The merged statistics under caps (null: raw); a capped pass is cached by caps.</param>
    /// <param name="folder">The run's report folder.</param>
    /// <param name="alertId">The id of the <c>privacy</c> alert for this campaign and budget.</param>
    /// <param name="raiseAlert">Raises that alert, with the refusal sentence.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    public static async Task<AggregateOutcome> ReleaseAsync(IObjectStore store, CampaignId campaign, RunId runId, ReleasePolicy policy, IReadOnlyList<string> metrics,
        HoldoutMeasurement measured, Func<IReadOnlyDictionary<string, OutcomeCap>?, CancellationToken, Task<ExperimentStatistics>> statistics, string folder,
        string alertId, Func<string, CancellationToken, Task> raiseAlert, CancellationToken cancellationToken)
    {
        var noise = policy.Noise;
        var caps = noise?.Bounds.ToDictionary(b => b.Key, b => new OutcomeCap(0, b.Value), StringComparer.Ordinal);
        var stats = await statistics(caps, cancellationToken).ConfigureAwait(false);
        var released = metrics.Where(m => stats.Outcomes.Contains(m)).ToArray();
        var cells = Cells(stats, measured, policy, released);
        double alpha = 1 - measured.Level;
        if (noise is null)
        {
            var exact = AggregateRelease.Build(campaign.Value, runId.Value, policy.MinimumCustomers, null, released, cells, alpha);
            await WriteAsync(store, folder, exact, cancellationToken).ConfigureAwait(false);
            return new AggregateOutcome(exact, null, false);
        }
        var breakdowns = Breakdowns(stats);
        var charges = AggregateRelease.Charges(noise, released, breakdowns);
        double cost = charges.Sum(c => c.Rho);
        var ledger = await PrivacyLedger.ReadAsync(store, campaign, cancellationToken).ConfigureAwait(false);
        var budget = ledger.Budget(campaign.Value, noise.BudgetRho);
        if (!ledger.Charged(runId.Value))
        {
            if (!budget.CanAfford(cost))
            {
                string refusal = $"The aggregate table of run {runId} was not released: it costs ρ = {Show(cost)} but only {Show(budget.RemainingRho)} of the campaign's privacy budget ρ = {Show(budget.Rho)} is left.";
                if (ledger.Alert != alertId)
                {
                    await raiseAlert($"{campaign}: {refusal}", cancellationToken).ConfigureAwait(false);
                }
                var refused = ledger with { Refused = ledger.Refused.Contains(runId.Value) ? ledger.Refused : [.. ledger.Refused, runId.Value], Alert = alertId };
                await refused.WriteAsync(store, campaign, noise.BudgetRho, noise.BudgetDelta, cancellationToken).ConfigureAwait(false);
                return new AggregateOutcome(null, $"{Minimum(policy)} {refusal}", true);
            }
            // Charged before the table is written: a crash in between releases it on reprocessing without a second charge.
            ledger = ledger with { Charges = [.. ledger.Charges, .. charges.Select(c => new LedgerCharge(runId.Value, c.What, c.Rho))] };
            await ledger.WriteAsync(store, campaign, noise.BudgetRho, noise.BudgetDelta, cancellationToken).ConfigureAwait(false);
            budget = ledger.Budget(campaign.Value, noise.BudgetRho);
        }
        var key = await NoiseKey.GetOrCreateAsync(store, campaign, cancellationToken).ConfigureAwait(false);
        var table = AggregateRelease.Build(campaign.Value, runId.Value, policy.MinimumCustomers, noise, released, cells, alpha, new KeyedNoiseSource(key, runId.Value));
        await WriteAsync(store, folder, table, cancellationToken).ConfigureAwait(false);
        double spent = ledger.SpentThrough(runId.Value);
        string mechanism = noise.Mechanism == NoiseKind.Laplace ? $"Laplace noise at ε = {Show(noise.Epsilon)}" : $"Gaussian noise at ε = {Show(noise.Epsilon)}, δ = {Show(noise.Delta)}";
        return new AggregateOutcome(table,
            $"{Minimum(policy)} The aggregate table (aggregates.json) is released with {mechanism} per table; privacy budget spent through this run ρ = {Show(spent)} of {Show(budget.Rho)} (ε = {Show(ZeroConcentratedPrivacy.Epsilon(spent, noise.BudgetDelta))} at δ = {Show(noise.BudgetDelta)}).",
            false);
    }

    /// <summary>The released cells: per arm the overall row, then each segment, surface and market value, unless suppression hides it.</summary>
    internal static List<AggregateCell> Cells(ExperimentStatistics stats, HoldoutMeasurement measured, ReleasePolicy policy, IReadOnlyList<string> metrics)
    {
        var hidden = policy.Hidden(measured);
        // A breakdown cell is released only when a contrast row describes it, so the suppression tables saw its count.
        var described = new HashSet<(int, string, string)>();
        foreach (var c in measured.Contrasts)
        {
            var (d, v) = c.Segment is { } s ? (0, s) : c.Surface is { } f ? (1, f) : c.Market is { } m ? (2, m) : (-1, "");
            if (d >= 0)
            {
                described.Add((d, c.Treatment, v));
                described.Add((d, c.Control, v));
            }
        }
        var cells = new List<AggregateCell>();
        var known = stats.Arms;
        var byDimension = Dimensions.Select(stats.ByArmAnd).ToArray();
        foreach (var arm in measured.Arms.Select(a => a.Arm))
        {
            if (!known.Contains(arm) || hidden.Arms.Contains(arm))
            {
                continue;
            }
            Add(cells, stats.ForArm(arm), "overall", null, metrics, policy.MinimumCustomers);
            for (int d = 0; d < Dimensions.Length; d++)
            {
                foreach (var cell in byDimension[d])
                {
                    if (cell.Key.Arm == arm && cell.Key.Level(Dimensions[d]) is { } value && described.Contains((d, arm, value)) && !hidden.Cells.Contains((d, arm, value)))
                    {
                        Add(cells, cell, AggregateRelease.Breakdowns[d + 1], value, metrics, policy.MinimumCustomers);
                    }
                }
            }
        }
        return cells;
    }

    /// <summary>The breakdowns the data has (overall always): the release charges each, whichever of its cells suppression hides.</summary>
    private static List<string> Breakdowns(ExperimentStatistics stats)
    {
        var breakdowns = new List<string> { AggregateRelease.Breakdowns[0] };
        for (int d = 0; d < Dimensions.Length; d++)
        {
            if (stats.Cells.Any(c => c.Level(Dimensions[d]) is not null))
            {
                breakdowns.Add(AggregateRelease.Breakdowns[d + 1]);
            }
        }
        return breakdowns;
    }

    private static void Add(List<AggregateCell> cells, CellStatistics cell, string breakdown, string? value, IReadOnlyList<string> metrics, long minimum)
    {
        if (cell.N >= minimum)   // suppression already hides every small cell; this keeps the promise if the counts ever disagree
        {
            cells.Add(new AggregateCell(cell.Key.Arm, breakdown, value, cell.N, [.. metrics.Select(cell.Outcome)]));
        }
    }

    private static async Task WriteAsync(IObjectStore store, string folder, AggregateTable table, CancellationToken cancellationToken)
    {
        await store.TryCreateAsync(StoreLayout.AggregatesJson(folder), AggregateTableFiles.ToJson(table), cancellationToken).ConfigureAwait(false);
        await store.TryCreateAsync(StoreLayout.AggregatesCsv(folder), AggregateTableFiles.ToCsv(table), cancellationToken).ConfigureAwait(false);
    }

    private static string Minimum(ReleasePolicy policy) =>
        $"Privacy: cells with fewer than {policy.MinimumCustomers.ToString(CultureInfo.InvariantCulture)} customers are suppressed.";

    private static string Show(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
