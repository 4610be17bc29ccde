namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>
/// A segment rule parsed and type-checked once against a <see cref="SegmentSchema"/>, then evaluated column-wise over
/// batches of customers with SQL's null semantics (a comparison with null is null; only true makes a member). Each rule
/// keeps reused buffers: not thread-safe, give each worker its own.
/// </summary>
public sealed class SegmentRule
{
    private readonly BooleanNode _root;

    private SegmentRule(string text, BooleanNode root, IReadOnlySet<string> columns)
    {
        Text = text;
        _root = root;
        Columns = columns;
    }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>The columns the rule names.</summary>
    public IReadOnlySet<string> Columns { get; }

    /// <summary>Parses and type-checks <paramref name="text"/>.</summary>
    /// <exception cref="SegmentRuleException">A syntax or type error, naming its position and token.</exception>
    public static SegmentRule Parse(string text, SegmentSchema schema)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(schema);
        var (root, columns) = SegmentParser.Parse(text, schema);
        return new SegmentRule(text, root, columns);
    }

    /// <summary>Sets <paramref name="members"/>[i] to whether customer i of the batch satisfies the rule; returns the members.</summary>
    /// <exception cref="ArgumentException"><paramref name="members"/> is shorter than the batch.</exception>
    public int Evaluate(ISegmentColumns columns, Span<bool> members)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (members.Length < columns.Count)
        {
            throw new ArgumentException("the mask is shorter than the batch", nameof(members));
        }
        var truth = _root.Evaluate(columns);
        int count = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            bool member = truth[i] == BooleanNode.True;
            members[i] = member;
            count += member ? 1 : 0;
        }
        return count;
    }
}
