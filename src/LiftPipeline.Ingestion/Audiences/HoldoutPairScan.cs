using LiftPipeline.Statistics.Conflation;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Streams this holdout test's export rows against another live test's customers (<see cref="AssignmentIndex"/>) into a
/// <see cref="HoldoutPair"/>: the arm × arm table of the shared customers and, per metric, count, mean and variance
/// (Welford) of the four cells treated/control here × treated/control there. Memory: the other test's index and one row
/// group. Not thread-safe.
/// </summary>
/// <param name="other">The other test's customers and arms.</param>
/// <param name="otherControl">The other test's control arm.</param>
/// <param name="control">This test's control arm.</param>
/// <param name="metrics">This test's metrics whose interaction is estimated.</param>
public sealed class HoldoutPairScan(AssignmentIndex other, string otherControl, string control, IReadOnlyList<string> metrics)
{
    private readonly List<string> _arms = [];
    private readonly List<long[]> _table = [];
    private readonly Welford[] _cells = new Welford[metrics.Count * 4];
    private readonly int _otherControl = other.ArmIndexOf(otherControl);
    private long _customers;
    private int _control = -1;   // this test's control arm among _arms, once seen

    /// <summary>Adds every row of one of this test's exports (columns found through <paramref name="columns"/>).</summary>
    /// <exception cref="ExportValidationException">The export lacks a customer id, arm or metric column.</exception>
    public async Task AddAsync(ExportFile export, ColumnMapping columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(columns);
        var rows = CustomerArmRows.Open(export, columns, readExposure: false, readLayer: false, metrics);
        var toArm = new List<int>();
        for (int g = 0; g < export.RowGroupCount; g++)
        {
            await rows.ReadAsync(g, cancellationToken).ConfigureAwait(false);
            for (int a = toArm.Count; a < rows.Arms.Count; a++)
            {
                toArm.Add(ArmIndex(rows.Arms.Names[a]));
            }
            Tally(rows, toArm);
        }
    }

    private void Tally(CustomerArmRows rows, List<int> toArm)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            int there = rows.KindOf(i) switch
            {
                CustomerArmRows.IdKind.Text => other.ArmOf(rows.TextId(i)),
                CustomerArmRows.IdKind.Integer => other.ArmOf(rows.IntegerId(i)),
                _ => int.MinValue,
            };
            if (there == int.MinValue)
            {
                continue;
            }
            _customers++;
            if (there < 0)
            {
                continue;
            }
            int here = toArm[rows.ArmOf(i)];
            _table[here][there]++;
            int cell = (here == _control ? 2 : 0) + (there == _otherControl ? 1 : 0);
            for (int m = 0; m < metrics.Count; m++)
            {
                double y = rows.Values(m)[i];
                if (!double.IsNaN(y))
                {
                    _cells[m * 4 + cell].Add(y);
                }
            }
        }
    }

    /// <summary>The pair so far, named <paramref name="otherName"/>, with <paramref name="sameLayer"/> when both tests declare that layer.</summary>
    public HoldoutPair Result(string otherName, string? sameLayer)
    {
        var table = new long[_arms.Count, other.Arms.Count];
        for (int r = 0; r < _arms.Count; r++)
        {
            for (int c = 0; c < other.Arms.Count; c++)
            {
                table[r, c] = _table[r][c];
            }
        }
        var cells = new InteractionCells[metrics.Count];
        for (int m = 0; m < cells.Length; m++)
        {
            cells[m] = new InteractionCells(metrics[m], _cells[m * 4].Summary, _cells[m * 4 + 1].Summary, _cells[m * 4 + 2].Summary, _cells[m * 4 + 3].Summary);
        }
        return new HoldoutPair(otherName, _customers, other.Count, [.. _arms], other.Arms, table, sameLayer, cells);
    }

    private int ArmIndex(string arm)
    {
        int known = _arms.IndexOf(arm);
        if (known >= 0)
        {
            return known;
        }
        _arms.Add(arm);
        _table.Add(new long[other.Arms.Count]);
        if (string.Equals(arm, control, StringComparison.Ordinal))
        {
            _control = _arms.Count - 1;
        }
        return _arms.Count - 1;
    }

    /// <summary>One pass mean and variance (Welford 1962).</summary>
    private struct Welford
    {
        private long _n;
        private double _mean, _m2;

        public void Add(double y)
        {
            _n++;
            double d = y - _mean;
            _mean += d / _n;
            _m2 += d * (y - _mean);
        }

        public readonly CellSummary Summary => new(_n, _mean, _n > 1 ? _m2 / (_n - 1) : 0);
    }
}
