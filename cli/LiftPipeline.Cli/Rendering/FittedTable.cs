using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// A column of a <see cref="FittedTable"/>: its header, the order it is left out in when the console is too narrow
/// (1 first; 0 never), right alignment for numbers, and the width a text column may wrap to (0: never wraps).
/// </summary>
internal sealed record FitColumn(string Header, int DropOrder = 0, bool Right = false, int WrapWidth = 0);

/// <summary>
/// A rounded table that fits the console's width without wrapping a number: the least needed columns are left out first
/// (and named by <see cref="Note"/>), only text columns with a <see cref="FitColumn.WrapWidth"/> wrap.
/// </summary>
internal sealed class FittedTable
{
    private readonly FitColumn[] _columns;
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _hidden = [];

    /// <summary>A table of <paramref name="columns"/>.</summary>
    public FittedTable(params FitColumn[] columns) => _columns = columns;

    /// <summary>The columns left out by the last <see cref="Build"/>, in table order.</summary>
    public IReadOnlyList<string> LeftOut { get; private set; } = [];

    /// <summary>Adds a row of plain text cells (escaped when built), one per column.</summary>
    public FittedTable AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"A row needs {_columns.Length} cells; got {cells.Length}.", nameof(cells));
        }
        _rows.Add(cells);
        return this;
    }

    /// <summary>Leaves the column headed <paramref name="header"/> out of the table without naming it in the note (it does not apply).</summary>
    public FittedTable Without(string header)
    {
        _hidden.Add(Array.FindIndex(_columns, c => c.Header == header));
        return this;
    }

    /// <summary>
    /// The table for a console <paramref name="width"/> columns wide; <paramref name="styles"/> may wrap a cell's
    /// escaped text in markup (e.g. a colour) given its row and column.
    /// </summary>
    public Table Build(int width, Func<int, int, string, string>? styles = null)
    {
        var keep = Keep(width);
        LeftOut = Enumerable.Range(0, _columns.Length).Except(keep).Except(_hidden).Select(k => _columns[k].Header).ToArray();
        var table = new Table().Border(TableBorder.Rounded);
        foreach (int k in keep)
        {
            var column = new TableColumn(Markup.Escape(_columns[k].Header));
            if (_columns[k].Right)
            {
                column.RightAligned();
            }
            if (_columns[k].WrapWidth == 0)
            {
                column.NoWrap();
            }
            table.AddColumn(column);
        }
        for (int r = 0; r < _rows.Count; r++)
        {
            int row = r;
            table.AddRow(keep.Select(k => styles is null ? Markup.Escape(_rows[row][k]) : styles(row, k, Markup.Escape(_rows[row][k]))).ToArray());
        }
        return table;
    }

    /// <summary>"Left out to fit 100 columns: a, b (a wider terminal or --json shows them)." after <see cref="Build"/>, or null.</summary>
    public string? Note(int width) => LeftOut.Count == 0
        ? null
        : $"Left out to fit {width} columns: {string.Join(", ", LeftOut)} (a wider terminal or --json shows them).";

    /// <summary>Writes the table and, when columns were left out, the note under it.</summary>
    public void Write(IAnsiConsole console, Func<int, int, string, string>? styles = null)
    {
        int width = console.Profile.Width;
        console.Write(Build(width, styles));
        if (Note(width) is { } note)
        {
            console.MarkupLine(Markup.Escape(note));
        }
    }

    /// <summary>The columns whose natural widths (wrapping columns at their wrap width) fit <paramref name="width"/>, least needed left out first.</summary>
    private int[] Keep(int width)
    {
        var widths = new int[_columns.Length];
        for (int k = 0; k < _columns.Length; k++)
        {
            int natural = _columns[k].Header.Length;
            foreach (var row in _rows)
            {
                natural = Math.Max(natural, row[k].Length);
            }
            widths[k] = _columns[k].WrapWidth > 0 ? Math.Min(natural, Math.Max(_columns[k].WrapWidth, LongestWord(k))) : natural;
        }
        var keep = Enumerable.Range(0, _columns.Length).Except(_hidden).ToList();
        foreach (int k in keep.Where(k => _columns[k].DropOrder > 0).OrderBy(k => _columns[k].DropOrder).ToArray())
        {
            if (1 + keep.Sum(i => widths[i] + 3) <= width)
            {
                break;
            }
            keep.Remove(k);
        }
        return [.. keep];
    }

    private int LongestWord(int column)
    {
        int longest = _columns[column].Header.Split(' ').Max(w => w.Length);
        foreach (var row in _rows)
        {
            foreach (var word in row[column].Split(' '))
            {
                longest = Math.Max(longest, word.Length);
            }
        }
        return longest;
    }
}
