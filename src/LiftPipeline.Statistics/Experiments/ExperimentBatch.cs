
namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// One batch of customer rows (one row group), column by column. Buffers are reused by the next read:
/// consume a batch before asking for the next one. Category columns hold codes into the reader's
/// dictionaries (-1 where the optional column is absent or null).
/// </summary>
public sealed class ExperimentBatch
{
    private int[] _arms = [];
    private int[] _segments = [];
    private int[] _surfaces = [];
    private int[] _markets = [];
    private sbyte[] _exposed = [];
    private double[][] _outcomes;
    private double[][] _covariates;
    private double[] _spend = [];

    /// <summary>An empty batch of <paramref name="outcomes"/> outcome and <paramref name="covariates"/> covariate columns.</summary>
    public ExperimentBatch(int outcomes, int covariates)
    {
        _outcomes = new double[outcomes][];
        _covariates = new double[covariates][];
        for (int i = 0; i < outcomes; i++)
        {
            _outcomes[i] = [];
        }
        for (int i = 0; i < covariates; i++)
        {
            _covariates[i] = [];
        }
    }

    /// <summary>Rows in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>Position of the batch's first row in the file (0-based).</summary>
    public long FirstRow { get; private set; }

    /// <summary>Arm code per row (index into <see cref="IExperimentCategories.ArmNames"/>).</summary>
    public ReadOnlySpan<int> Arms => _arms.AsSpan(0, Count);

    /// <summary>Segment code per row, -1 when absent.</summary>
    public ReadOnlySpan<int> Segments => _segments.AsSpan(0, Count);

    /// <summary>Surface code per row, -1 when absent.</summary>
    public ReadOnlySpan<int> Surfaces => _surfaces.AsSpan(0, Count);

    /// <summary>Market code per row, -1 when absent.</summary>
    public ReadOnlySpan<int> Markets => _markets.AsSpan(0, Count);

    /// <summary>Exposure per row: 1, 0, or -1 when the export has no exposure column.</summary>
    public ReadOnlySpan<sbyte> Exposed => _exposed.AsSpan(0, Count);

    /// <summary>Outcome <paramref name="index"/> per row (in the reader's outcome order).</summary>
    public ReadOnlySpan<double> Outcome(int index) => _outcomes[index].AsSpan(0, Count);

    /// <summary>Pre-period covariate <paramref name="index"/> per row (in the reader's covariate order).</summary>
    public ReadOnlySpan<double> Covariate(int index) => _covariates[index].AsSpan(0, Count);

    /// <summary>Spend per row; zero when the export has no spend column.</summary>
    public ReadOnlySpan<double> Spend => _spend.AsSpan(0, Count);

    /// <summary>Makes the batch <paramref name="count"/> rows long, starting at file row <paramref name="firstRow"/>, for a reader to fill.</summary>
    public void Reset(long firstRow, int count)
    {
        FirstRow = firstRow;
        Count = count;
        Grow(ref _arms, count);
        Grow(ref _segments, count);
        Grow(ref _surfaces, count);
        Grow(ref _markets, count);
        Grow(ref _exposed, count);
        Grow(ref _spend, count);
        for (int i = 0; i < _outcomes.Length; i++)
        {
            Grow(ref _outcomes[i], count);
        }
        for (int i = 0; i < _covariates.Length; i++)
        {
            Grow(ref _covariates[i], count);
        }
    }

    /// <summary>Writable arm codes, for the reader that fills the batch.</summary>
    public Memory<int> ArmBuffer => _arms.AsMemory(0, Count);

    /// <summary>Writable segment codes.</summary>
    public Memory<int> SegmentBuffer => _segments.AsMemory(0, Count);

    /// <summary>Writable surface codes.</summary>
    public Memory<int> SurfaceBuffer => _surfaces.AsMemory(0, Count);

    /// <summary>Writable market codes.</summary>
    public Memory<int> MarketBuffer => _markets.AsMemory(0, Count);

    /// <summary>Writable exposure flags.</summary>
    public Memory<sbyte> ExposedBuffer => _exposed.AsMemory(0, Count);

    /// <summary>Writable spend.</summary>
    public Memory<double> SpendBuffer => _spend.AsMemory(0, Count);

    /// <summary>Writable outcome <paramref name="index"/>.</summary>
    public Memory<double> OutcomeBuffer(int index) => _outcomes[index].AsMemory(0, Count);

    /// <summary>Writable covariate <paramref name="index"/>.</summary>
    public Memory<double> CovariateBuffer(int index) => _covariates[index].AsMemory(0, Count);

    private static void Grow<T>(ref T[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = new T[count];
        }
    }
}
