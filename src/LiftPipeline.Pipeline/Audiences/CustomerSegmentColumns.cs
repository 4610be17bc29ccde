using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// The columns segment rules see, over the current <see cref="CustomerBatch"/>: the contract columns, the derived
/// columns (<c>days_since_last_order</c>, <c>days_since_first_order</c>, <c>lifecycle</c>, <c>r</c>, <c>f</c>,
/// <c>m</c>, <c>rfm</c>) and the extra columns by name. Each column is converted at most once per batch into a reused
/// array. Not thread-safe.
/// </summary>
internal sealed class CustomerSegmentColumns : ISegmentColumns
{
    private const int AsOf = 0, FirstOrder = 1, LastOrder = 2, Orders = 3, Revenue = 4, DiscountedShare = 5, AgeBand = 6, Country = 7,
        DaysSinceLast = 8, DaysSinceFirst = 9, LifecycleColumn = 10, R = 11, F = 12, M = 13, Rfm = 14, FirstExtra = 15;

    /// <summary>The derived RFM columns: a rule naming one needs the whole export scored first.</summary>
    public static IReadOnlyList<string> RfmColumns { get; } = ["r", "f", "m", "rfm"];

    private readonly CustomerExportReader _reader;
    private readonly LifecycleThresholds _thresholds;
    private readonly PreviousStages? _previous;
    private readonly RfmTable? _rfm;
    private readonly double[][] _numbers;
    private readonly long[] _stages;
    private readonly bool[] _filled;
    private CustomerBatch? _batch;
    private int[] _stageCodes = [];
    private bool _stagesFilled;

    public CustomerSegmentColumns(CustomerExportReader reader, LifecycleThresholds thresholds, PreviousStages? previous, RfmTable? rfm)
    {
        _reader = reader;
        _thresholds = thresholds;
        _previous = previous;
        _rfm = rfm;
        Schema = CreateSchema(reader);
        _numbers = new double[Schema.Names.Count][];
        _filled = new bool[Schema.Names.Count];
        _stages = new long[Lifecycle.Names.Count];
        for (int c = 0; c < _numbers.Length; c++)
        {
            _numbers[c] = [];
        }
    }

    /// <summary>The schema rules are parsed against.</summary>
    public SegmentSchema Schema { get; }

    public int Count => _batch?.Count ?? 0;

    /// <summary>Customers per lifecycle stage over every batch counted so far.</summary>
    public IReadOnlyList<long> StageCounts => _stages;

    /// <summary>Makes <paramref name="batch"/> current and counts its lifecycle stages.</summary>
    public void SetBatch(CustomerBatch batch)
    {
        _batch = batch;
        Array.Clear(_filled);
        _stagesFilled = false;
        foreach (int stage in Codes(LifecycleColumn))
        {
            _stages[stage]++;
        }
    }

    public ReadOnlySpan<double> Numbers(int column)
    {
        var batch = _batch!;
        int n = batch.Count;
        if (_filled[column])
        {
            return _numbers[column].AsSpan(0, n);
        }
        if (_numbers[column].Length < n)
        {
            _numbers[column] = new double[n];
        }
        var values = _numbers[column].AsSpan(0, n);
        switch (column)
        {
            case AsOf: Days(batch.AsOf, values); break;
            case FirstOrder: Days(batch.FirstOrder, values); break;
            case LastOrder: Days(batch.LastOrder, values); break;
            case Orders: return batch.Orders;
            case Revenue: return batch.Revenue;
            case DiscountedShare: return batch.DiscountedShare;
            case DaysSinceLast: Since(Numbers(LastOrder), values); break;
            case DaysSinceFirst: Since(Numbers(FirstOrder), values); break;
            case R or F or M or Rfm: _rfm!.Fill(column - R, batch.FirstRow, values); break;
            default: return batch.ExtraNumbers(column - FirstExtra);
        }
        _filled[column] = true;
        return values;
    }

    public ReadOnlySpan<int> Codes(int column) => column switch
    {
        AgeBand => _batch!.AgeBands,
        Country => _batch!.Countries,
        LifecycleColumn => StageCodes(),
        _ => _batch!.ExtraCodes(column - FirstExtra),
    };

    public int CodeOf(int column, string text) => column switch
    {
        AgeBand => _reader.AgeBands.CodeOf(text),
        Country => _reader.Countries.CodeOf(text),
        LifecycleColumn => IndexOf(Lifecycle.Names, text),
        _ => _reader.ExtraCategories[column - FirstExtra]!.CodeOf(text),
    };

    private ReadOnlySpan<int> StageCodes()
    {
        var batch = _batch!;
        int n = batch.Count;
        if (_stageCodes.Length < n)
        {
            _stageCodes = new int[n];
        }
        if (!_stagesFilled)
        {
            var asOf = Numbers(AsOf);
            var first = Numbers(FirstOrder);
            var last = Numbers(LastOrder);
            for (int i = 0; i < n; i++)
            {
                bool wasLapsed = _previous is not null && !double.IsNaN(last[i]) && _previous.WasLapsed(batch, i);
                _stageCodes[i] = (int)Lifecycle.Stage(asOf[i], first[i], last[i], wasLapsed, _thresholds);
            }
            _stagesFilled = true;
        }
        return _stageCodes.AsSpan(0, n);
    }

    private static SegmentSchema CreateSchema(CustomerExportReader reader)
    {
        var schema = new SegmentSchema();
        schema.Add(CustomerColumns.AsOf, SegmentType.Date);
        schema.Add(CustomerColumns.FirstOrderDate, SegmentType.Date);
        schema.Add(CustomerColumns.LastOrderDate, SegmentType.Date);
        schema.Add(CustomerColumns.Orders, SegmentType.Number);
        schema.Add(CustomerColumns.Revenue, SegmentType.Number);
        schema.Add(CustomerColumns.DiscountedShare, SegmentType.Number);
        schema.Add(CustomerColumns.AgeBand, SegmentType.Text);
        schema.Add(CustomerColumns.Country, SegmentType.Text);
        schema.Add("days_since_last_order", SegmentType.Number);
        schema.Add("days_since_first_order", SegmentType.Number);
        schema.Add("lifecycle", SegmentType.Text);
        foreach (string name in RfmColumns)
        {
            schema.Add(name, SegmentType.Number);
        }
        for (int i = 0; i < reader.Extras.Count; i++)
        {
            // An extra column named like a contract or derived column is shadowed by it.
            if (schema.IndexOf(reader.Extras[i]) < 0)
            {
                schema.Add(reader.Extras[i], reader.ExtraCategories[i] is null ? SegmentType.Number : SegmentType.Text);
            }
            else
            {
                schema.Add("extra:" + reader.Extras[i], reader.ExtraCategories[i] is null ? SegmentType.Number : SegmentType.Text);
            }
        }
        return schema;
    }

    private static void Days(ReadOnlySpan<int> days, Span<double> values)
    {
        for (int i = 0; i < days.Length; i++)
        {
            values[i] = days[i] == CustomerBatch.NoDate ? double.NaN : days[i];
        }
    }

    private void Since(ReadOnlySpan<double> dates, Span<double> values)
    {
        var asOf = Numbers(AsOf);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = asOf[i] - dates[i];
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string text)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == text)
            {
                return i;
            }
        }
        return -1;
    }
}
