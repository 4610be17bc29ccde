namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>
/// A condition, evaluated batch-wise into a reused buffer of SQL truth values: <see cref="False"/>, <see cref="True"/>
/// or <see cref="Null"/> (a comparison with null is null, and a customer is a member only when the rule is true).
/// </summary>
internal abstract class BooleanNode
{
    public const byte False = 0;
    public const byte True = 1;
    public const byte Null = 2;

    private byte[] _buffer = [];

    public abstract ReadOnlySpan<byte> Evaluate(ISegmentColumns columns);

    protected Span<byte> Buffer(int count)
    {
        if (_buffer.Length < count)
        {
            _buffer = new byte[count];
        }
        return _buffer.AsSpan(0, count);
    }

    protected static byte Of(bool value) => value ? True : False;
}

/// <summary><c>x op y</c> over numbers or dates; with a literal on the right the literal is not expanded.</summary>
internal sealed class CompareNode(string op, ValueNode left, ValueNode right) : BooleanNode
{
    // The operator as a small integer, so the per-row switch compares integers, not strings.
    private readonly int _op = Array.IndexOf(["=", "!=", "<", "<=", ">", ">="], op);

    public override ReadOnlySpan<byte> Evaluate(ISegmentColumns columns)
    {
        var x = left.Evaluate(columns);
        var truth = Buffer(x.Length);
        if (right is ConstantNode constant)
        {
            double y = constant.Value;
            for (int i = 0; i < x.Length; i++)
            {
                truth[i] = Compare(x[i], y);
            }
            return truth;
        }
        var ys = right.Evaluate(columns);
        for (int i = 0; i < x.Length; i++)
        {
            truth[i] = Compare(x[i], ys[i]);
        }
        return truth;
    }

    private byte Compare(double x, double y)
    {
        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return Null;
        }
        return Of(_op switch
        {
            0 => x == y,
            1 => x != y,
            2 => x < y,
            3 => x <= y,
            4 => x > y,
            _ => x >= y,
        });
    }
}

/// <summary><c>x [not] in (a, b, …)</c> over numbers or dates (<c>=</c> and <c>!=</c> are the one-value lists).</summary>
internal sealed class NumberInNode(ValueNode value, double[] list, bool negated) : BooleanNode
{
    public override ReadOnlySpan<byte> Evaluate(ISegmentColumns columns)
    {
        var x = value.Evaluate(columns);
        var truth = Buffer(x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            truth[i] = double.IsNaN(x[i]) ? Null : Of(Array.IndexOf(list, x[i]) >= 0 != negated);
        }
        return truth;
    }
}

/// <summary><c>column [not] in ('a', 'b', …)</c> over a text column (<c>=</c> and <c>!=</c> are the one-value lists).</summary>
internal sealed class TextInNode(int column, string[] list, bool negated) : BooleanNode
{
    private readonly int[] _codes = new int[list.Length];

    public override ReadOnlySpan<byte> Evaluate(ISegmentColumns columns)
    {
        // Dictionaries grow as batches are read, so literals are looked up again per batch; -2 matches no customer.
        for (int k = 0; k < list.Length; k++)
        {
            int code = columns.CodeOf(column, list[k]);
            _codes[k] = code < 0 ? -2 : code;
        }
        var codes = columns.Codes(column);
        var truth = Buffer(codes.Length);
        for (int i = 0; i < codes.Length; i++)
        {
            int code = codes[i];
            truth[i] = code < 0 ? Null : Of(Array.IndexOf(_codes, code) >= 0 != negated);
        }
        return truth;
    }
}

/// <summary><c>x is [not] null</c>: never null itself.</summary>
internal sealed class IsNullNode(ValueNode? value, int textColumn, bool negated) : BooleanNode
{
    public override ReadOnlySpan<byte> Evaluate(ISegmentColumns columns)
    {
        var truth = Buffer(columns.Count);
        if (value is null)
        {
            var codes = columns.Codes(textColumn);
            for (int i = 0; i < codes.Length; i++)
            {
                truth[i] = Of(codes[i] < 0 != negated);
            }
            return truth;
        }
        var x = value.Evaluate(columns);
        for (int i = 0; i < x.Length; i++)
        {
            truth[i] = Of(double.IsNaN(x[i]) != negated);
        }
        return truth;
    }
}

/// <summary><c>a and b</c> / <c>a or b</c> with SQL's three-valued logic.</summary>
internal sealed class LogicalNode(bool isAnd, BooleanNode left, BooleanNode right) : BooleanNode
{
    public override ReadOnlySpan<byte> Evaluate(ISegmentColumns columns)
    {
        var a = left.Evaluate(columns);
        var b = right.Evaluate(columns);
        var truth = Buffer(a.Length);
        // With False < True < Null ordering as 0, 1, 2: and is false if either is false, else null if either is null.
        byte dominant = isAnd ? False : True;
        for (int i = 0; i < a.Length; i++)
        {
            byte x = a[i], y = b[i];
            truth[i] = x == dominant || y == dominant ? dominant : x == Null || y == Null ? Null : x;
        }
        return truth;
    }
}

/// <summary><c>not a</c>: null stays null.</summary>
internal sealed class NotNode(BooleanNode operand) : BooleanNode
{
    public override ReadOnlySpan<byte> Evaluate(ISegmentColumns columns)
    {
        var a = operand.Evaluate(columns);
        var truth = Buffer(a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            truth[i] = a[i] == Null ? Null : (byte)(1 - a[i]);
        }
        return truth;
    }
}
