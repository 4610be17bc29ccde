namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>
/// A segment rule that cannot be parsed or does not type-check. The message is one line naming the 1-based position and
/// the token there, e.g. <c>at 12 ('&gt;='): cannot compare text with a number</c>.
/// </summary>
public sealed class SegmentRuleException : FormatException
{
    /// <summary>Creates the exception for the token <paramref name="token"/> at 1-based <paramref name="position"/>.</summary>
    public SegmentRuleException(int position, string token, string problem)
        : base($"at {position} ('{token}'): {problem}")
    {
        Position = position;
        Token = token;
        Problem = problem;
    }

    /// <summary>1-based character position of the token in the rule.</summary>
    public int Position { get; }

    /// <summary>The token at <see cref="Position"/> (<c>end of rule</c> past the end).</summary>
    public string Token { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }
}
