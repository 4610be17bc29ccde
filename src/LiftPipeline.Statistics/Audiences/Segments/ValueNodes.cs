namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>A number or date expression, evaluated batch-wise into a reused buffer; NaN is null.</summary>
internal abstract class ValueNode(SegmentType type)
{
    private double[] _buffer = [];

    public SegmentType Type { get; } = type;

    public abstract ReadOnlySpan<double> Evaluate(ISegmentColumns columns);

    protected Span<double> Buffer(int count)
    {
        if (_buffer.Length < count)
        {
            _buffer = new double[count];
        }
        return _buffer.AsSpan(0, count);
    }
}

/// <summary>A number or a date literal.</summary>
internal sealed class ConstantNode(SegmentType type, double value) : ValueNode(type)
{
    private int _filled = -1;

    public double Value { get; } = value;

    public override ReadOnlySpan<double> Evaluate(ISegmentColumns columns)
    {
        var values = Buffer(columns.Count);
        if (_filled < columns.Count)
        {
            values.Fill(Value);
            _filled = columns.Count;
        }
        return values;
    }
}

/// <summary>A number or date column.</summary>
internal sealed class ColumnNode(SegmentType type, int column) : ValueNode(type)
{
    public override ReadOnlySpan<double> Evaluate(ISegmentColumns columns) => columns.Numbers(column);
}

/// <summary><c>-x</c>.</summary>
internal sealed class NegateNode(ValueNode operand) : ValueNode(SegmentType.Number)
{
    public override ReadOnlySpan<double> Evaluate(ISegmentColumns columns)
    {
        var x = operand.Evaluate(columns);
        var values = Buffer(x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            values[i] = -x[i];
        }
        return values;
    }
}

/// <summary><c>x + y</c>, <c>x - y</c>, <c>x * y</c>, <c>x / y</c>: NaN (null) in, null out; division by zero is null.</summary>
internal sealed class ArithmeticNode(SegmentType type, char op, ValueNode left, ValueNode right) : ValueNode(type)
{
    public override ReadOnlySpan<double> Evaluate(ISegmentColumns columns)
    {
        var x = left.Evaluate(columns);
        var values = Buffer(x.Length);
        if (right is ConstantNode constant)
        {
            double y = constant.Value;
            for (int i = 0; i < x.Length; i++)
            {
                values[i] = Apply(x[i], y);
            }
            return values;
        }
        var ys = right.Evaluate(columns);
        for (int i = 0; i < x.Length; i++)
        {
            values[i] = Apply(x[i], ys[i]);
        }
        return values;
    }

    private double Apply(double x, double y) => op switch
    {
        '+' => x + y,
        '-' => x - y,
        '*' => x * y,
        _ => y == 0 ? double.NaN : x / y,
    };
}
