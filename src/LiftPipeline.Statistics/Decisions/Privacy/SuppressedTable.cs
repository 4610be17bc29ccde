namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>Why a cell of a released table is or is not shown.</summary>
public enum CellStatus
{
    /// <summary>Shown: at least the minimum number of customers and not needed to protect another cell.</summary>
    Released,

    /// <summary>Hidden because it has fewer customers than the minimum.</summary>
    Primary,

    /// <summary>Hidden so that a primary cell cannot be recomputed from the released ones.</summary>
    Complementary,
}

/// <summary>
/// A table of customer counts with its margins after <see cref="SmallCellSuppression"/>: (R+1)×(C+1) cells where row R
/// holds the column totals, column C the row totals and (R, C) the grand total. Immutable.
/// </summary>
public sealed class SuppressedTable
{
    private readonly long[,] _counts;
    private readonly CellStatus[,] _status;

    internal SuppressedTable(long[,] counts, CellStatus[,] status)
    {
        _counts = counts;
        _status = status;
    }

    /// <summary>R, the number of rows without the total row (which is row R).</summary>
    public int Rows => _counts.GetLength(0) - 1;

    /// <summary>C, the number of columns without the total column (which is column C).</summary>
    public int Columns => _counts.GetLength(1) - 1;

    /// <summary>Whether the cell (row, column) is shown, hidden as small or hidden to protect another.</summary>
    /// <exception cref="IndexOutOfRangeException">Outside 0..R × 0..C.</exception>
    public CellStatus Status(int row, int column) => _status[row, column];

    /// <summary>Whether the cell is hidden, for either reason.</summary>
    public bool IsSuppressed(int row, int column) => _status[row, column] != CellStatus.Released;

    /// <summary>The count to publish, or null when the cell is suppressed.</summary>
    public long? Released(int row, int column) => IsSuppressed(row, column) ? null : _counts[row, column];

    /// <summary>The cells hidden because they are small.</summary>
    public int PrimaryCount => CountOf(CellStatus.Primary);

    /// <summary>The cells hidden to protect small ones.</summary>
    public int ComplementaryCount => CountOf(CellStatus.Complementary);

    private int CountOf(CellStatus wanted)
    {
        int n = 0;
        foreach (var s in _status)
        {
            n += s == wanted ? 1 : 0;
        }
        return n;
    }
}
