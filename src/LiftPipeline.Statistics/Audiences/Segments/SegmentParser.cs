using System.Globalization;

namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>
/// Recursive-descent parser that type-checks as it builds the tree, so every error names the token where it arises.
/// Grammar (lowest precedence first): <c>or</c>; <c>and</c>; <c>not</c>; a comparison, <c>[not] in (…)</c> or
/// <c>is [not] null</c>; <c>+ -</c>; <c>* /</c>; unary <c>-</c>; a literal, <c>date '…'</c>, a column or <c>( … )</c>.
/// </summary>
internal sealed class SegmentParser
{
    private static readonly string[] Comparisons = ["=", "!=", "<>", "<", "<=", ">", ">="];

    private readonly List<SegmentToken> _tokens;
    private readonly SegmentSchema _schema;
    private readonly HashSet<string> _columns = new(StringComparer.Ordinal);
    private int _next;

    private SegmentParser(string rule, SegmentSchema schema)
    {
        _tokens = SegmentLexer.Tokenize(rule);
        _schema = schema;
    }

    /// <summary>One parsed operand: exactly one of a value, a condition, a text column or a text literal.</summary>
    private readonly record struct Operand(SegmentToken At, ValueNode? Value = null, BooleanNode? Condition = null, int TextColumn = -1, string? TextLiteral = null)
    {
        public string Describe => Value is { } v ? (v.Type == SegmentType.Date ? "a date" : "a number")
            : Condition is not null ? "a condition" : "text";
    }

    public static (BooleanNode Root, IReadOnlySet<string> Columns) Parse(string rule, SegmentSchema schema)
    {
        var parser = new SegmentParser(rule, schema);
        var root = parser.Or();
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw Error(parser.Peek, "expected and, or, or the end of the rule");
        }
        return (Condition(root), parser._columns);
    }

    private SegmentToken Peek => _tokens[_next];

    private SegmentToken Take() => _tokens[_next++];

    private bool Accept(string keyword)
    {
        if (Peek.Is(keyword))
        {
            _next++;
            return true;
        }
        return false;
    }

    private static SegmentRuleException Error(SegmentToken token, string problem) => new(token.Position, token.Shown, problem);

    private static BooleanNode Condition(Operand operand) => operand.Condition
        ?? throw Error(operand.At, $"is {operand.Describe}, not a condition; compare it (e.g. orders >= 2)");

    private Operand Or()
    {
        var left = And();
        while (Peek.Is("or"))
        {
            var at = Take();
            var right = And();
            left = new Operand(at, Condition: new LogicalNode(false, Condition(left), Condition(right)));
        }
        return left;
    }

    private Operand And()
    {
        var left = Not();
        while (Peek.Is("and"))
        {
            var at = Take();
            var right = Not();
            left = new Operand(at, Condition: new LogicalNode(true, Condition(left), Condition(right)));
        }
        return left;
    }

    private Operand Not()
    {
        if (Peek.Is("not"))
        {
            var at = Take();
            return new Operand(at, Condition: new NotNode(Condition(Not())));
        }
        return Predicate();
    }

    private Operand Predicate()
    {
        var left = Additive();
        var at = Peek;
        if (at.Kind == TokenKind.Operator && Array.IndexOf(Comparisons, at.Text) >= 0)
        {
            _next++;
            return Compare(at, left, Additive());
        }
        if (at.Is("is"))
        {
            _next++;
            bool negated = Accept("not");
            if (!Accept("null"))
            {
                throw Error(Peek, "expected null after is / is not");
            }
            return IsNull(at, left, negated);
        }
        if (at.Is("in") || (at.Is("not") && _tokens[_next + 1].Is("in")))
        {
            bool negated = at.Is("not");
            _next += negated ? 2 : 1;
            return In(at, left, List(), negated);
        }
        return left;
    }

    private Operand Compare(SegmentToken at, Operand left, Operand right)
    {
        string op = at.Text == "<>" ? "!=" : at.Text;
        if (left.Value is { } x && right.Value is { } y)
        {
            if (x.Type != y.Type)
            {
                throw Error(at, $"cannot compare {left.Describe} with {right.Describe}");
            }
            return new Operand(at, Condition: new CompareNode(op, x, y));
        }
        if (left.TextLiteral is not null && right.TextColumn >= 0)
        {
            (left, right) = (right, left);
        }
        if (left.TextColumn >= 0 && right.TextLiteral is { } literal)
        {
            if (op is not ("=" or "!="))
            {
                throw Error(at, "text compares only with = and != (or in); it has no order");
            }
            return new Operand(at, Condition: new TextInNode(left.TextColumn, [literal], op == "!="));
        }
        if (left.Value?.Type == SegmentType.Date && right.TextLiteral is not null)
        {
            throw Error(right.At, "a date compares with a date; write date '" + right.TextLiteral + "'");
        }
        throw Error(at, $"cannot compare {left.Describe} with {right.Describe}; compare a text column with a 'text' literal, a number with a number, a date with a date");
    }

    private Operand IsNull(SegmentToken at, Operand left, bool negated)
    {
        if (left.Value is { } value && value is not ConstantNode)
        {
            return new Operand(at, Condition: new IsNullNode(value, -1, negated));
        }
        if (left.TextColumn >= 0)
        {
            return new Operand(at, Condition: new IsNullNode(null, left.TextColumn, negated));
        }
        throw Error(at, $"is null applies to a column or a calculation, not to {left.Describe}");
    }

    private List<Operand> List()
    {
        if (!Accept("("))
        {
            throw Error(Peek, "expected ( after in");
        }
        var items = new List<Operand>();
        do
        {
            items.Add(Unary());
        }
        while (Accept(","));
        if (!Accept(")"))
        {
            throw Error(Peek, "expected , or ) in the list");
        }
        return items;
    }

    private static Operand In(SegmentToken at, Operand left, List<Operand> items, bool negated)
    {
        if (left.TextColumn >= 0)
        {
            var texts = new string[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                texts[i] = items[i].TextLiteral ?? throw Error(items[i].At, "a list for a text column holds 'text' literals only");
            }
            return new Operand(at, Condition: new TextInNode(left.TextColumn, texts, negated));
        }
        if (left.Value is { } value)
        {
            var numbers = new double[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                numbers[i] = items[i].Value is ConstantNode c && c.Type == value.Type ? c.Value
                    : throw Error(items[i].At, $"a list for {left.Describe} holds {left.Describe} literals only");
            }
            return new Operand(at, Condition: new NumberInNode(value, numbers, negated));
        }
        throw Error(at, $"in applies to a column or a calculation, not to {left.Describe}");
    }

    private Operand Additive()
    {
        var left = Multiplicative();
        while (Peek.Is("+") || Peek.Is("-"))
        {
            var at = Take();
            left = Arithmetic(at, left, Multiplicative());
        }
        return left;
    }

    private Operand Multiplicative()
    {
        var left = Unary();
        while (Peek.Is("*") || Peek.Is("/"))
        {
            var at = Take();
            left = Arithmetic(at, left, Unary());
        }
        return left;
    }

    private static Operand Arithmetic(SegmentToken at, Operand left, Operand right)
    {
        char op = at.Text[0];
        if (left.Value is not { } x || right.Value is not { } y)
        {
            throw Error(at, $"cannot calculate with {(left.Value is null ? left.Describe : right.Describe)}");
        }
        // Dates count in days: date ± days is a date, date - date is days; nothing else mixes them.
        SegmentType? type = (x.Type, y.Type, op) switch
        {
            (SegmentType.Number, SegmentType.Number, _) => SegmentType.Number,
            (SegmentType.Date, SegmentType.Number, '+' or '-') => SegmentType.Date,
            (SegmentType.Number, SegmentType.Date, '+') => SegmentType.Date,
            (SegmentType.Date, SegmentType.Date, '-') => SegmentType.Number,
            _ => null,
        };
        if (type is null)
        {
            throw Error(at, $"cannot calculate {left.Describe} {op} {right.Describe}; dates take + or - a number of days, and date - date is days");
        }
        if (x is ConstantNode a && y is ConstantNode b)
        {
            double value = op switch { '+' => a.Value + b.Value, '-' => a.Value - b.Value, '*' => a.Value * b.Value, _ => b.Value == 0 ? double.NaN : a.Value / b.Value };
            return new Operand(at, Value: new ConstantNode(type.Value, value));
        }
        return new Operand(at, Value: new ArithmeticNode(type.Value, op, x, y));
    }

    private Operand Unary()
    {
        if (Peek.Is("-"))
        {
            var at = Take();
            var operand = Unary();
            if (operand.Value is not { Type: SegmentType.Number } value)
            {
                throw Error(at, $"cannot negate {operand.Describe}");
            }
            return new Operand(at, Value: value is ConstantNode c ? new ConstantNode(SegmentType.Number, -c.Value) : new NegateNode(value));
        }
        return Primary();
    }

    private Operand Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new Operand(token, Value: new ConstantNode(SegmentType.Number, token.Value));
            case TokenKind.Text:
                return new Operand(token, TextLiteral: token.Text);
            case TokenKind.Operator when token.Text == "(":
                var inner = Or();
                if (!Accept(")"))
                {
                    throw Error(Peek, "expected )");
                }
                return inner with { At = token };
            case TokenKind.Name when token.Is("date"):
                var text = Take();
                if (text.Kind != TokenKind.Text
                    || !DateOnly.TryParseExact(text.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    throw Error(text, "expected a date as date 'yyyy-MM-dd'");
                }
                return new Operand(token, Value: new ConstantNode(SegmentType.Date, date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber));
            case TokenKind.Name when IsKeyword(token):
                throw Error(token, "expected a column, a number, 'text' or date '…'");
            case TokenKind.Name:
                int column = _schema.IndexOf(token.Text);
                if (column < 0)
                {
                    throw Error(token, "is not a column; columns: " + string.Join(", ", _schema.Names));
                }
                _columns.Add(token.Text);
                var type = _schema.Types[column];
                return type == SegmentType.Text ? new Operand(token, TextColumn: column) : new Operand(token, Value: new ColumnNode(type, column));
            default:
                throw Error(token, "expected a column, a number, 'text' or date '…'");
        }
    }

    private static bool IsKeyword(SegmentToken token) =>
        token.Is("and") || token.Is("or") || token.Is("not") || token.Is("in") || token.Is("is") || token.Is("null");
}
