using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// One worker's running statistics over the batches of one experiment source, indexed by the source's category codes
/// (<see cref="IExperimentCategories"/>). Rows are mapped to a dense local cell id through a lookup table over the four codes, then every sum is
/// accumulated column by column into a flat block of doubles; every <see cref="BlockRows"/> rows the block is folded into
/// compensated totals (<see cref="NeumaierSum"/>), so rounding does not grow with the file. Sums are taken about a shift
/// per cell and metric, fixed when the cell first appears: the pilot mean of the metric over the cell's rows in that
/// block (Chan, Golub and LeVeque 1983, §3: shifted data keep Σ(y − K)² accurate when the mean is large against the spread).
/// Each value is centred once per block (one subtraction), and the products are formed from the centred values.
/// No per-row allocation.
/// </summary>
public sealed class StatisticsAccumulator
{
    private const int BlockRows = 16_384;
    private const int MaxLookup = 1 << 24;

    private readonly StatisticsLayout _layout;
    private readonly double _sketchAccuracy;
    private readonly OutcomeCap?[] _caps;
    private readonly bool _anyCap;
    private readonly Dictionary<(int, int, int, int), int> _cellByCodes = [];
    private readonly List<(int Arm, int Segment, int Surface, int Market)> _cellCodes = [];
    private readonly List<QuantileSketch[]> _sketchesByArm = [];
    private QuantileSketch[][] _sketchesOfOutcome = [];
    private int[] _lookup = [];
    private (int A, int S, int F, int M) _lookupShape = (-1, -1, -1, -1);
    private double[] _block = [];
    private double[] _sums = [];
    private double[] _compensations = [];
    private double[] _shifts = [];
    private long[] _counts = [];
    private int[] _cellOf = new int[BlockRows];
    private readonly double[][] _capped;
    private readonly double[][] _centred;

    /// <summary>Starts empty statistics of <paramref name="outcomes"/> and pre-period <paramref name="covariates"/>.</summary>
    public StatisticsAccumulator(IReadOnlyList<string> outcomes, IReadOnlyList<string> covariates, ExperimentStatisticsOptions options)
        : this(new StatisticsLayout(outcomes, covariates), options.SketchRelativeAccuracy, options.Caps)
    {
    }

    internal StatisticsAccumulator(StatisticsLayout layout, double sketchAccuracy, IReadOnlyDictionary<string, OutcomeCap>? caps)
    {
        _layout = layout;
        _sketchAccuracy = sketchAccuracy;
        _caps = new OutcomeCap?[layout.O];
        _capped = new double[layout.O][];
        _centred = new double[layout.ShiftWidth][];
        for (int v = 0; v < _centred.Length; v++)
        {
            _centred[v] = new double[BlockRows];
        }
        for (int o = 0; o < layout.O; o++)
        {
            _capped[o] = [];
            if (caps is not null && caps.TryGetValue(layout.Outcomes[o], out var cap))
            {
                _caps[o] = cap;
                _capped[o] = new double[BlockRows];
                _anyCap = true;
            }
        }
    }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds every row of <paramref name="batch"/>; <paramref name="categories"/> supplies the category counts.</summary>
    public void Add(ExperimentBatch batch, IExperimentCategories categories)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(categories);
        EnsureLookup(categories.ArmNames.Count, categories.SegmentNames.Count, categories.SurfaceNames.Count, categories.MarketNames.Count);
        if (_sketchesByArm.Count < categories.ArmNames.Count)
        {
            AddArmSketches(categories.ArmNames.Count);
        }
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int n = Math.Min(BlockRows, batch.Count - start);
            AddBlock(batch, start, n, categories.HasExposure, categories.HasSpend);
            Fold();
        }
        Rows += batch.Count;
    }

    private void AddArmSketches(int arms)
    {
        while (_sketchesByArm.Count < arms)
        {
            var sketches = new QuantileSketch[_layout.O];
            for (int o = 0; o < sketches.Length; o++)
            {
                sketches[o] = new QuantileSketch(_sketchAccuracy);
            }
            _sketchesByArm.Add(sketches);
        }
        _sketchesOfOutcome = new QuantileSketch[_layout.O][];
        for (int o = 0; o < _layout.O; o++)
        {
            _sketchesOfOutcome[o] = new QuantileSketch[arms];
            for (int a = 0; a < arms; a++)
            {
                _sketchesOfOutcome[o][a] = _sketchesByArm[a][o];
            }
        }
    }

    // Index arithmetic stays within the block and the cell table, so the row loops run without overflow checks.
    // Called a few times per row group: fully optimised from the first call rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddBlock(ExperimentBatch batch, int start, int n, bool hasExposure, bool hasSpend)
    {
        unchecked
        {
            var cellOf = _cellOf.AsSpan(0, n);
            int known = _cellCodes.Count;
            MapCells(batch.Arms.Slice(start, n), batch.Segments.Slice(start, n), batch.Surfaces.Slice(start, n), batch.Markets.Slice(start, n), cellOf);
            if (_cellCodes.Count > known)
            {
                SetPilotShifts(batch, start, cellOf, known);
            }
            int w = _layout.Width;
            int sw = _layout.ShiftWidth;
            var shifts = _shifts.AsSpan();
            var block = _block.AsSpan();
            var counts = _counts.AsSpan();
            for (int i = 0; i < cellOf.Length; i++)
            {
                counts[cellOf[i] * StatisticsLayout.CountWidth + StatisticsLayout.CountN]++;
            }
            if (hasExposure)
            {
                var exposed = batch.Exposed.Slice(start, n);
                for (int i = 0; i < cellOf.Length; i++)
                {
                    int c = cellOf[i] * StatisticsLayout.CountWidth;
                    counts[c + StatisticsLayout.CountExposed] += exposed[i];
                    counts[c + StatisticsLayout.CountExposureKnown]++;
                }
            }
            var arms = batch.Arms.Slice(start, n);
            for (int o = 0; o < _layout.O; o++)
            {
                var y = Outcome(batch, o, start, n);
                AddCentred(y, cellOf, shifts, sw, _layout.OutcomeShift(o), block, w, _layout.Sum(o), _layout.SumSquares(o), _centred[_layout.OutcomeShift(o)]);
                var sketchOfArm = _sketchesOfOutcome[o];
                for (int i = 0; i < arms.Length; i++)
                {
                    sketchOfArm[arms[i]].Add(y[i]);
                }
            }
            for (int k = 0; k < _layout.C; k++)
            {
                var x = batch.Covariate(k).Slice(start, n);
                AddCentred(x, cellOf, shifts, sw, _layout.CovariateShift(k), block, w, _layout.CovariateSum(k), _layout.CovariateSquares(k), _centred[_layout.CovariateShift(k)]);
            }
            for (int o = 0; o < _layout.O; o++)
            {
                var y = _centred[_layout.OutcomeShift(o)].AsSpan(0, n);
                if (hasExposure)
                {
                    var exposed = batch.Exposed.Slice(start, n);
                    int cross = _layout.ExposedCross(o);
                    for (int i = 0; i < cellOf.Length; i++)
                    {
                        block[cellOf[i] * w + cross] += y[i] * exposed[i];
                    }
                }
                for (int j = o + 1; j < _layout.O; j++)
                {
                    var z = _centred[_layout.OutcomeShift(j)].AsSpan(0, n);
                    int pair = _layout.Pair(o, j);
                    for (int i = 0; i < cellOf.Length; i++)
                    {
                        block[cellOf[i] * w + pair] += y[i] * z[i];
                    }
                }
                for (int k = 0; k < _layout.C; k++)
                {
                    var x = _centred[_layout.CovariateShift(k)].AsSpan(0, n);
                    int cross = _layout.Cross(o, k);
                    for (int i = 0; i < cellOf.Length; i++)
                    {
                        block[cellOf[i] * w + cross] += y[i] * x[i];
                    }
                }
            }
            if (hasSpend)
            {
                var spend = batch.Spend.Slice(start, n);
                int at = _layout.Spend;
                for (int i = 0; i < cellOf.Length; i++)
                {
                    block[cellOf[i] * w + at] += spend[i];
                }
            }
        }
    }

    // Σ(v − K) and Σ(v − K)² of one metric into the block, keeping the centred values for the cross products.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddCentred(ReadOnlySpan<double> values, ReadOnlySpan<int> cellOf, ReadOnlySpan<double> shifts, int shiftWidth, int shift,
        Span<double> block, int w, int sum, int squares, double[] centred)
    {
        unchecked
        {
            var into = centred.AsSpan(0, cellOf.Length);
            for (int i = 0; i < cellOf.Length; i++)
            {
                int cell = cellOf[i];
                double v = values[i] - shifts[cell * shiftWidth + shift];
                into[i] = v;
                int c = cell * w;
                block[c + sum] += v;
                block[c + squares] += v * v;
            }
        }
    }

    // The shifts of the cells first seen in this block (ids ≥ known): each metric's mean over the cell's rows here.
    private void SetPilotShifts(ExperimentBatch batch, int start, ReadOnlySpan<int> cellOf, int known)
    {
        int fresh = _cellCodes.Count - known, sw = _layout.ShiftWidth;
        var rows = new long[fresh];
        var totals = new double[fresh * sw];
        for (int i = 0; i < cellOf.Length; i++)
        {
            if (cellOf[i] >= known)
            {
                rows[cellOf[i] - known]++;
            }
        }
        for (int v = 0; v < sw; v++)
        {
            var values = v < _layout.O ? Outcome(batch, v, start, cellOf.Length) : batch.Covariate(v - _layout.O).Slice(start, cellOf.Length);
            for (int i = 0; i < cellOf.Length; i++)
            {
                if (cellOf[i] >= known)
                {
                    totals[(cellOf[i] - known) * sw + v] += values[i];
                }
            }
        }
        for (int cell = 0; cell < fresh; cell++)
        {
            for (int v = 0; v < sw; v++)
            {
                double pilot = totals[cell * sw + v] / rows[cell];
                _shifts[(known + cell) * sw + v] = double.IsFinite(pilot) ? pilot : 0;
            }
        }
    }

    // The outcome's values for the block, clipped when the outcome is capped (clipped once per block, into a scratch buffer).
    private ReadOnlySpan<double> Outcome(ExperimentBatch batch, int o, int start, int n)
    {
        var y = batch.Outcome(o).Slice(start, n);
        if (!_anyCap || _caps[o] is not { } cap)
        {
            return y;
        }
        var clipped = _capped[o].AsSpan(0, n);
        if (!_cappedFresh[o])
        {
            for (int i = 0; i < n; i++)
            {
                clipped[i] = Math.Min(Math.Max(y[i], cap.Lower), cap.Upper);
            }
            _cappedFresh[o] = true;
        }
        return clipped;
    }

    private bool[] _cappedFresh = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MapCells(ReadOnlySpan<int> arms, ReadOnlySpan<int> segments, ReadOnlySpan<int> surfaces, ReadOnlySpan<int> markets, Span<int> cellOf)
    {
        if (_anyCap)
        {
            if (_cappedFresh.Length != _layout.O)
            {
                _cappedFresh = new bool[_layout.O];
            }
            Array.Clear(_cappedFresh);
        }
        var (_, s, f, m) = _lookupShape;
        var lookup = _lookup.AsSpan();
        for (int i = 0; i < cellOf.Length; i++)
        {
            // Below MaxLookup (checked when the table was sized), so no overflow check per row.
            int key = unchecked(((arms[i] * s + segments[i] + 1) * f + surfaces[i] + 1) * m + markets[i] + 1);
            int cell = lookup[key];
            cellOf[i] = cell >= 0 ? cell : AddCell(key, arms[i], segments[i], surfaces[i], markets[i]);
        }
    }

    private int AddCell(int key, int arm, int segment, int surface, int market)
    {
        int cell = _cellCodes.Count;
        _cellCodes.Add((arm, segment, surface, market));
        _cellByCodes.Add((arm, segment, surface, market), cell);
        _lookup[key] = cell;
        int w = _layout.Width;
        if (_block.Length < (cell + 1) * w)
        {
            int capacity = Math.Max(cell + 1, _cellCodes.Capacity);
            Array.Resize(ref _block, capacity * w);
            Array.Resize(ref _sums, capacity * w);
            Array.Resize(ref _compensations, capacity * w);
            Array.Resize(ref _shifts, capacity * _layout.ShiftWidth);
            Array.Resize(ref _counts, capacity * StatisticsLayout.CountWidth);
        }
        return cell;
    }

    // The reader's dictionaries only grow; rebuild the code → cell table when any did (rare: new categories).
    private void EnsureLookup(int arms, int segments, int surfaces, int markets)
    {
        var shape = (arms, segments + 1, surfaces + 1, markets + 1);
        if (shape == _lookupShape)
        {
            return;
        }
        long size = (long)shape.Item1 * shape.Item2 * shape.Item3 * shape.Item4;
        if (size > MaxLookup)
        {
            throw new NotSupportedException(
                $"{arms} arms × {segments} segments × {surfaces} surfaces × {markets} markets is too many cells for one experiment; leave the finest breakdown out with ExperimentExportOptions.OptionalColumns");
        }
        _lookup = new int[size];
        Array.Fill(_lookup, -1);
        _lookupShape = shape;
        foreach (var ((a, sg, sf, mk), cell) in _cellByCodes)
        {
            _lookup[((a * shape.Item2 + sg + 1) * shape.Item3 + sf + 1) * shape.Item4 + mk + 1] = cell;
        }
    }

    private void Fold()
    {
        int used = _cellCodes.Count * _layout.Width;
        var block = _block.AsSpan(0, used);
        NeumaierSum.Add(_sums.AsSpan(0, used), _compensations.AsSpan(0, used), block);
        block.Clear();
    }

    /// <summary>The statistics so far, with cells and arms named by <paramref name="categories"/>.</summary>
    public ExperimentStatistics ToStatistics(IExperimentCategories categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var cells = new List<ExperimentCell>(_cellCodes.Count);
        foreach (var (a, s, f, m) in _cellCodes)
        {
            cells.Add(new ExperimentCell(categories.ArmNames[a], Name(categories.SegmentNames, s), Name(categories.SurfaceNames, f), Name(categories.MarketNames, m)));
        }
        int w = _layout.Width;
        var sketches = new Dictionary<string, QuantileSketch[]>(StringComparer.Ordinal);
        for (int a = 0; a < _sketchesByArm.Count; a++)
        {
            if (ArmHasCells(a))
            {
                sketches.Add(categories.ArmNames[a], _sketchesByArm[a]);
            }
        }
        return new ExperimentStatistics(_layout, _sketchAccuracy, cells, _sums[..(cells.Count * w)], _compensations[..(cells.Count * w)],
            _shifts[..(cells.Count * _layout.ShiftWidth)], _counts[..(cells.Count * StatisticsLayout.CountWidth)], sketches);
    }

    private bool ArmHasCells(int arm)
    {
        foreach (var codes in _cellCodes)
        {
            if (codes.Arm == arm)
            {
                return true;
            }
        }
        return false;
    }

    private static string? Name(IReadOnlyList<string> names, int code) => code < 0 ? null : names[code];
}
