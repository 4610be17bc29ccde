namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>
/// The suppressed cells of a table with margins as edges between row nodes 0..R and column nodes R+1..R+C+1; a cell
/// can be derived from the released ones exactly when its edge is a bridge.
/// </summary>
internal static class SuppressionGraph
{
    /// <summary>The first suppressed cell (row-major) that is a bridge, or (−1, −1) when none is.</summary>
    public static (int Row, int Column) FirstBridge(CellStatus[,] status)
    {
        int rows = status.GetLength(0), columns = status.GetLength(1);
        var parent = new int[rows + columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                if (status[i, j] != CellStatus.Released && !ConnectedWithout(status, parent, i, j))
                {
                    return (i, j);
                }
            }
        }
        return (-1, -1);
    }

    /// <summary>Whether row i and column j stay connected through the other suppressed cells (union–find).</summary>
    private static bool ConnectedWithout(CellStatus[,] status, int[] parent, int row, int column)
    {
        int rows = status.GetLength(0), columns = status.GetLength(1);
        for (int v = 0; v < parent.Length; v++)
        {
            parent[v] = v;
        }
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                if (status[i, j] != CellStatus.Released && (i != row || j != column))
                {
                    parent[Root(parent, i)] = Root(parent, rows + j);
                }
            }
        }
        return Root(parent, row) == Root(parent, rows + column);
    }

    private static int Root(int[] parent, int v)
    {
        while (parent[v] != v)
        {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }
}
