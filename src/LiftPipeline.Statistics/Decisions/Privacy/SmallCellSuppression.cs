namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>
/// Small-cell suppression of a table of customer counts released with its margins (row totals, column totals, grand
/// total). Primary: every cell, margins included, with fewer than <see cref="MinimumCustomers"/> customers is
/// suppressed. Complementary: while some suppressed cell could be recomputed exactly from the released cells by the
/// table's additivity (e.g. a total minus all but one of its cells), the cheapest extra cells are suppressed.
/// Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The rule, exactly. Write the table with its margins as an (R+1)×(C+1) array whose last row and column hold the totals.
/// Its additivity equations make it a circulation on the bipartite graph of row and column nodes, one edge per cell, so a
/// suppressed cell can be derived by adding and subtracting released cells exactly when it is a bridge of the graph of
/// suppressed cells (an edge's flow is determined only off every cycle). While a bridge (i, j) remains, the rectangle
/// (i, j), (i, j′), (i′, j′), (i′, j) with the smallest total count of cells not yet suppressed (ties: fewer new cells,
/// then lowest i′, j′) is suppressed, which puts (i, j) on a cycle; new cells lie on that cycle and old cycles persist,
/// so the bridges strictly decrease and the loop ends. The protection is against exact derivation: non-negativity can
/// still narrow a suppressed cell to an interval. Cost O(B·E·N) for B bridges, E suppressed cells and N cells.
/// </remarks>
/// <param name="MinimumCustomers">Cells with fewer customers are suppressed; default 50, as ad data hubs do.</param>
public sealed record SmallCellSuppression(long MinimumCustomers = 50)
{
    /// <summary>The default rule: suppress below 50 customers.</summary>
    public static SmallCellSuppression Default { get; } = new();

    /// <summary>Suppresses a list of cells released with their total, as a one-row table (the total at column C).</summary>
    /// <exception cref="ArgumentException">No cells, or a negative count.</exception>
    public SuppressedTable Apply(ReadOnlySpan<long> cells)
    {
        var table = new long[1, cells.Length];
        for (int j = 0; j < cells.Length; j++)
        {
            table[0, j] = cells[j];
        }
        return Apply(table);
    }

    /// <summary>Suppresses an R×C table of counts released with its row, column and grand totals.</summary>
    /// <exception cref="ArgumentException">An empty table or a negative count.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A minimum below 1.</exception>
    public SuppressedTable Apply(long[,] cells) => Apply(cells, null);

    /// <summary>
    /// Suppresses an R×C table of counts released with its margins, with some cells of the (R+1)×(C+1) table with margins
    /// pinned by <paramref name="pinned"/> (null: by the rule): <see cref="CellStatus.Primary"/> hides a cell however large
    /// (e.g. a total another table sharing it had to hide); <see cref="CellStatus.Released"/> marks one the reader knows
    /// anyway however small (e.g. a structural zero), so it is neither hidden nor protected but may protect no other.
    /// </summary>
    /// <exception cref="ArgumentException">An empty table, a negative count, or a mask that is not (R+1)×(C+1).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A minimum below 1.</exception>
    public SuppressedTable Apply(long[,] cells, CellStatus?[,]? pinned)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (pinned is not null && (pinned.GetLength(0) != cells.GetLength(0) + 1 || pinned.GetLength(1) != cells.GetLength(1) + 1))
        {
            throw new ArgumentException("The pinned cells must cover the table with its margins: one more row and column than the cells.", nameof(pinned));
        }
        if (MinimumCustomers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumCustomers), MinimumCustomers, "The minimum number of customers per released cell must be at least 1 (default 50).");
        }
        var counts = WithMargins(cells);
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        var status = new CellStatus[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                status[i, j] = pinned?[i, j] ?? (counts[i, j] < MinimumCustomers ? CellStatus.Primary : CellStatus.Released);
            }
        }
        while (SuppressionGraph.FirstBridge(status) is var (i, j) && i >= 0)
        {
            CloseCycle(counts, status, pinned, i, j);
        }
        return new(counts, status);
    }

    private static long[,] WithMargins(long[,] cells)
    {
        int r = cells.GetLength(0), c = cells.GetLength(1);
        if (r == 0 || c == 0)
        {
            throw new ArgumentException("The table has no cells; give at least one row and one column.", nameof(cells));
        }
        var counts = new long[r + 1, c + 1];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                long n = cells[i, j];
                if (n < 0)
                {
                    throw new ArgumentException($"Cell ({i}, {j}) has {n} customers; counts cannot be negative.", nameof(cells));
                }
                counts[i, j] = n;
                counts[i, c] += n;
                counts[r, j] += n;
                counts[r, c] += n;
            }
        }
        return counts;
    }

    /// <summary>Suppresses the cheapest rectangle through the bridge (i, j) that hides no cell the reader knows anyway.</summary>
    /// <exception cref="InvalidOperationException">Every rectangle through (i, j) needs a cell pinned as known.</exception>
    private static void CloseCycle(long[,] counts, CellStatus[,] status, CellStatus?[,]? pinned, int i, int j)
    {
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        (long Cost, int Added, int Row, int Column) best = (long.MaxValue, int.MaxValue, -1, -1);
        for (int k = 0; k < rows; k++)
        {
            for (int l = 0; l < columns; l++)
            {
                if (k == i || l == j)
                {
                    continue;
                }
                long cost = 0;
                int added = 0;
                bool known = false;
                foreach (var (a, b) in (ReadOnlySpan<(int, int)>)[(i, l), (k, l), (k, j)])
                {
                    if (status[a, b] == CellStatus.Released)
                    {
                        cost += counts[a, b];
                        added++;
                        known |= pinned?[a, b] == CellStatus.Released;   // hiding it would protect nothing
                    }
                }
                if (!known && (cost < best.Cost || (cost == best.Cost && added < best.Added)))
                {
                    best = (cost, added, k, l);
                }
            }
        }
        if (best.Row < 0)
        {
            throw new InvalidOperationException($"Cell ({i}, {j}) cannot be protected: every rectangle through it needs a cell pinned as known.");
        }
        foreach (var (a, b) in (ReadOnlySpan<(int, int)>)[(i, best.Column), (best.Row, best.Column), (best.Row, j)])
        {
            if (status[a, b] == CellStatus.Released)
            {
                status[a, b] = CellStatus.Complementary;
            }
        }
    }
}
