using LiftPipeline.Statistics.Decisions.Privacy;
using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Tests.Decisions.Privacy;

/// <summary>
/// Small-cell suppression: known cases, and the property that no suppressed cell of a random table can be recomputed
/// from the released cells, checked independently of the rule's graph argument by the rank of the additivity equations.
/// </summary>
public sealed class SmallCellSuppressionTests
{
    [Fact]
    public void A_total_another_table_had_to_hide_is_hidden_here_with_a_cell_that_would_give_it_away()
    {
        var mask = new CellStatus?[3, 3];
        mask[0, 2] = CellStatus.Primary;   // row 0's total, 300, hidden elsewhere

        var table = SmallCellSuppression.Default.Apply(new long[,] { { 100, 200 }, { 300, 400 } }, mask);

        // Row 0's total = its cells: the cheapest rectangle through it hides 100, 300 and row 1's total 700 too.
        Assert.Equal(CellStatus.Primary, table.Status(0, 2));
        Assert.Equal(1, table.PrimaryCount);
        Assert.Empty(DerivableSuppressedCells(table));
        Assert.Null(table.Released(0, 0));
        Assert.Null(table.Released(1, 2));
        Assert.Equal(200, table.Released(0, 1));
    }

    [Fact]
    public void A_cell_pinned_as_known_is_neither_hidden_nor_used_to_protect_another()
    {
        var mask = new CellStatus?[3, 3];
        mask[1, 1] = CellStatus.Released;   // a structural zero the reader knows

        var table = SmallCellSuppression.Default.Apply(new long[,] { { 30, 400 }, { 200, 0 } }, mask);

        // 30 is small; the cheapest rectangle (400 and the known 0 and 200) would protect nothing, so 430 + 200 + 200 is taken.
        Assert.Equal(0L, table.Released(1, 1));
        Assert.Equal(400L, table.Released(0, 1));
        Assert.Equal([CellStatus.Primary, CellStatus.Complementary, CellStatus.Complementary, CellStatus.Complementary],
            new[] { table.Status(0, 0), table.Status(0, 2), table.Status(1, 2), table.Status(1, 0) });
        Assert.Empty(DerivableSuppressedCells(table));
    }

    [Fact]
    public void A_table_without_small_cells_is_released_whole()
    {
        var table = SmallCellSuppression.Default.Apply(new long[,] { { 50, 80 }, { 120, 300 } });

        Assert.Equal(0, table.PrimaryCount + table.ComplementaryCount);
        Assert.Equal(550, table.Released(2, 2));
        Assert.Equal(130, table.Released(0, 2));
    }

    [Fact]
    public void One_small_cell_in_a_list_with_its_total_hides_the_next_smallest_cell_too()
    {
        var table = SmallCellSuppression.Default.Apply([10, 100, 200, 70]);

        Assert.Equal(CellStatus.Primary, table.Status(0, 0));
        Assert.Equal(CellStatus.Complementary, table.Status(0, 3));
        Assert.Equal(100, table.Released(0, 1));
        Assert.Equal(200, table.Released(0, 2));
        Assert.Equal(380, table.Released(0, 4));
        Assert.Null(table.Released(0, 3));
    }

    [Fact]
    public void Two_small_cells_in_a_list_protect_each_other()
    {
        var table = SmallCellSuppression.Default.Apply([10, 100, 20, 70]);

        Assert.Equal(4, table.PrimaryCount); // 10 and 20, each also its own column total in a one-row table
        Assert.Equal(0, table.ComplementaryCount);
        Assert.Equal(200, table.Released(0, 4));
    }

    [Fact]
    public void A_small_cell_in_a_two_way_table_is_protected_by_the_cheapest_rectangle()
    {
        long[,] cells = { { 10, 400, 90 }, { 300, 500, 60 }, { 200, 700, 800 } };

        var table = SmallCellSuppression.Default.Apply(cells);

        // (0,0) is small; the cheapest rectangle through it uses (0,2), (1,2) and (1,0): 90 + 60 + 300.
        Assert.Equal(CellStatus.Primary, table.Status(0, 0));
        Assert.Equal(1, table.PrimaryCount);
        Assert.Equal(3, table.ComplementaryCount);
        Assert.True(table.IsSuppressed(0, 2) && table.IsSuppressed(1, 2) && table.IsSuppressed(1, 0));
        Assert.Equal(500, table.Released(0, 3));
        Assert.Equal(3060, table.Released(3, 3));
    }

    [Fact]
    public void A_small_total_is_suppressed_with_the_cells_that_would_reveal_it()
    {
        var table = new SmallCellSuppression(MinimumCustomers: 100).Apply(new long[,] { { 30, 40 }, { 200, 300 } });

        Assert.True(table.IsSuppressed(0, 2)); // row total 70
        Assert.Empty(DerivableSuppressedCells(table));
    }

    [Fact]
    public void Primary_suppression_alone_leaves_a_lone_small_cell_derivable_and_both_checks_see_it()
    {
        // [10, 100, 200] with total 310 as a one-row table: the 10 is also its own column total (row 1).
        var counts = new long[,] { { 10, 100, 200, 310 }, { 10, 100, 200, 310 } };
        var status = new CellStatus[2, 4];
        status[0, 0] = status[1, 0] = CellStatus.Primary;
        var primaryOnly = new SuppressedTable(counts, status);

        Assert.Equal([(0, 0), (1, 0)], DerivableSuppressedCells(primaryOnly));
        Assert.Equal((0, 0), SuppressionGraph.FirstBridge(status));
    }

    [Fact]
    public void Negative_counts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SmallCellSuppression.Default.Apply([5, -1]));
    }

    [Fact]
    public void No_released_set_of_a_random_table_lets_a_suppressed_cell_be_derived()
    {
        var random = new Random(1602);
        int tables = 0, complementary = 0;
        for (int t = 0; t < 400; t++)
        {
            int r = random.Next(1, 5), c = random.Next(1, 6);
            var cells = new long[r, c];
            for (int i = 0; i < r; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    // About a third of the cells small (0–59), the rest 50–1,000.
                    cells[i, j] = random.NextDouble() < 0.35 ? random.Next(0, 60) : random.Next(50, 1001);
                }
            }

            var table = SmallCellSuppression.Default.Apply(cells);

            var full = WithMargins(cells);
            for (int i = 0; i <= r; i++)
            {
                for (int j = 0; j <= c; j++)
                {
                    Assert.True(full[i, j] >= 50 || table.IsSuppressed(i, j), $"table {t}: small cell ({i}, {j}) released");
                }
            }
            Assert.True(DerivableSuppressedCells(table).Count == 0, $"table {t}: a suppressed cell is derivable");
            tables++;
            complementary += table.ComplementaryCount;
        }
        Assert.Equal(400, tables);
        Assert.True(complementary > 100, "the random tables exercised complementary suppression");
    }

    /// <summary>
    /// Suppressed cells whose value the released cells determine: with A the additivity equations restricted to the
    /// suppressed cells, cell e is determined iff dropping its column lowers the rank of A.
    /// </summary>
    private static List<(int, int)> DerivableSuppressedCells(SuppressedTable table)
    {
        int r = table.Rows, c = table.Columns;
        var unknowns = new List<(int Row, int Column)>();
        for (int i = 0; i <= r; i++)
        {
            for (int j = 0; j <= c; j++)
            {
                if (table.IsSuppressed(i, j))
                {
                    unknowns.Add((i, j));
                }
            }
        }
        var derivable = new List<(int, int)>();
        if (unknowns.Count == 0)
        {
            return derivable;
        }
        // One equation per row (its cells minus its total) and per column, total row and column included.
        var a = Matrix<double>.Build.Dense(r + 1 + c + 1, unknowns.Count);
        for (int u = 0; u < unknowns.Count; u++)
        {
            var (i, j) = unknowns[u];
            a[i, u] = j == c ? -1 : 1;
            a[r + 1 + j, u] = i == r ? -1 : 1;
        }
        int rank = a.Rank();
        for (int u = 0; u < unknowns.Count; u++)
        {
            if (a.RemoveColumn(u).Rank() < rank)
            {
                derivable.Add(unknowns[u]);
            }
        }
        return derivable;
    }

    private static long[,] WithMargins(long[,] cells)
    {
        int r = cells.GetLength(0), c = cells.GetLength(1);
        var full = new long[r + 1, c + 1];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                full[i, j] = cells[i, j];
                full[i, c] += cells[i, j];
                full[r, j] += cells[i, j];
                full[r, c] += cells[i, j];
            }
        }
        return full;
    }
}
