namespace LiftPipeline.Statistics.Design;

/// <summary>A multi-cell market selection: the markets split into cells, and one market selection per cell.</summary>
/// <param name="CellMarkets">The pool of markets of each cell (GeoLift's systematic sampling by total outcome).</param>
/// <param name="Cells">Each cell's market selection within its pool; ProportionTotalY and Holdout are shares of the whole panel.</param>
/// <param name="Simulations">Simulations run over all cells.</param>
public sealed record MultiCellSelection(IReadOnlyList<IReadOnlyList<string>> CellMarkets, IReadOnlyList<MarketSelection> Cells, int Simulations);

/// <summary>
/// How much better cell A must do than cell B to be declared the winner: with B at <paramref name="BaseLift"/>, the
/// smallest multiple of it that A needs for the two cells' intervals to separate, or null when none of the multiples tried does.
/// </summary>
public sealed record CellComparison(IReadOnlyList<string> CellA, IReadOnlyList<string> CellB, int Duration, double BaseLift, double? WinningMultiple);

/// <summary>Multi-cell geo designs (GeoLift's MultiCellMarketSelection, MultiCellPower and MultiCellWinner).</summary>
public static class MultiCellMarketSelection
{
    /// <summary>Splits the markets into <see cref="GeoDesignOptions.Cells"/> cells by systematic sampling on total outcome and selects markets in each.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 cells, or sizes too large for a cell.</exception>
    public static MultiCellSelection Select(GeoDesignPanel data, GeoDesignOptions options, IProgress<DesignProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("issue 12: multi-cell selection");

    /// <summary>
    /// The power curve of each cell's chosen markets with the other cells' markets removed from its donors
    /// (MultiCellPower), and for every pair of cells how much better one must be to be declared the winner (MultiCellWinner).
    /// </summary>
    public static (IReadOnlyList<GeoPowerCurve> Curves, IReadOnlyList<CellComparison> Comparisons) Compare(
        GeoDesignPanel data, IReadOnlyList<IReadOnlyList<string>> cells, int duration, GeoDesignOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("issue 12: multi-cell power");
}
