using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// One test cell of a design: its pool of markets (null for a single-cell design, which draws on every market) and
/// the market selection within it.
/// </summary>
/// <param name="Markets">The cell's markets (multi-cell), or null.</param>
/// <param name="Selection">The ranked candidates and their power curves.</param>
public sealed record DesignCell(IReadOnlyList<string>? Markets, MarketSelection Selection);

/// <summary>The history a design was computed on: the dataset object, the metric, and the markets × periods used.</summary>
/// <param name="Object">The dataset object read (<c>datasets/{campaign}/panel-{hash}.parquet</c>), or the export's name outside the pipeline.</param>
/// <param name="Metric">The metric simulated.</param>
/// <param name="Units">Markets.</param>
/// <param name="Periods">Pre-test periods.</param>
/// <param name="FirstPeriod">First period (ISO form).</param>
/// <param name="LastPeriod">Last period (ISO form).</param>
public sealed record DesignDataset(string Object, string Metric, int Units, int Periods, string FirstPeriod, string LastPeriod);

/// <summary>A market left out of a design's candidates because another live geo test uses it. Immutable.</summary>
/// <param name="Market">The market.</param>
/// <param name="Campaign">The live geo test's campaign id.</param>
/// <param name="Role"><c>treated</c> or <c>control</c> in that test.</param>
public sealed record LiveTestMarket(string Market, string Campaign, string Role);

/// <summary>
/// The geo design report of a planning campaign: which markets to test, for how long, the smallest effect each design
/// detects and what it costs, and every candidate's power curves. Immutable; <see cref="DesignJson"/>,
/// <see cref="DesignHtml"/> and <see cref="DesignMarkdown"/> render it, and the same report always renders to the same bytes.
/// </summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="GeneratedAt">When the design was made, from the injected clock.</param>
/// <param name="InputsHash">Hash of the dataset, metric and options (<see cref="DesignJson.InputsHash"/>): the same inputs give the same report.</param>
/// <param name="Dataset">The history designed on.</param>
/// <param name="Options">The options as requested (null sizes or durations: the engine's defaults).</param>
/// <param name="Cells">One cell for a single-cell design; one per test cell for a multi-cell design.</param>
/// <param name="Simulations">Simulations run over all cells.</param>
public sealed record DesignReport(
    string Campaign, DateTimeOffset GeneratedAt, string InputsHash, DesignDataset Dataset, GeoDesignOptions Options,
    IReadOnlyList<DesignCell> Cells, int Simulations)
{
    /// <summary>The report of a single-cell market selection.</summary>
    public static DesignReport Create(string campaign, DateTimeOffset generatedAt, string inputsHash, DesignDataset dataset, GeoDesignOptions options, MarketSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return new DesignReport(campaign, generatedAt, inputsHash, dataset, options, [new DesignCell(null, selection)], selection.Simulations);
    }

    /// <summary>The report of a multi-cell market selection.</summary>
    public static DesignReport Create(string campaign, DateTimeOffset generatedAt, string inputsHash, DesignDataset dataset, GeoDesignOptions options, MultiCellSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var cells = selection.Cells.Select((s, i) => new DesignCell(i < selection.CellMarkets.Count ? selection.CellMarkets[i] : null, s)).ToArray();
        return new DesignReport(campaign, generatedAt, inputsHash, dataset, options, cells, selection.Simulations);
    }

    /// <summary>
    /// Markets of other live geo tests added to <see cref="GeoDesignOptions.Exclude"/> (already in <see cref="Options"/>),
    /// with the test and the role that excluded each; empty when none. Default empty.
    /// </summary>
    public IReadOnlyList<LiveTestMarket> LiveExclusions { get; init; } = [];

    /// <summary>True for a design of two or more test cells.</summary>
    public bool IsMultiCell => Cells.Count > 1 || Cells.Any(c => c.Markets is not null);

    /// <summary>The best candidate of each cell (rank 1, first listed), or null for a cell where no design reaches the power.</summary>
    public IReadOnlyList<MarketCandidate?> Chosen => Cells.Select(c => c.Selection.Candidates.Count > 0 ? c.Selection.Candidates[0] : null).ToArray();

    /// <summary>The power curve of <paramref name="locations"/> in <paramref name="cell"/>, or null when the selection holds none.</summary>
    public GeoPowerCurve? CurveOf(DesignCell cell, IReadOnlyList<string> locations)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Selection.Curves.FirstOrDefault(c => c.Locations.SequenceEqual(locations, StringComparer.Ordinal));
    }

    /// <summary>True when a false-positive rate is over twice alpha: the design's test rejects too often when nothing happens.</summary>
    public bool NotCalibrated(double? falsePositiveRate) => !DesignTrust.IsCalibrated(falsePositiveRate, Options.TestAlpha);
}
