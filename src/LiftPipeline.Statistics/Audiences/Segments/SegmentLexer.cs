using System.Globalization;

namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>The kinds of token of a segment rule.</summary>
internal enum TokenKind
{
    End,
    Number,
    Text,
    Name,
    Operator,
}

/// <summary>One token: its kind, its text (a text literal unquoted), its 1-based position and, for a number, its value.</summary>
internal readonly record struct SegmentToken(TokenKind Kind, string Text, int Position, double Value = 0)
{
    /// <summary>The token as an error message shows it.</summary>
    public string Shown => Kind switch
    {
        TokenKind.End => "end of rule",
        TokenKind.Text => "'" + Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => Text,
    };

    /// <summary>True for the keyword or operator <paramref name="text"/> (keywords in any case).</summary>
    public bool Is(string text) => Kind is TokenKind.Name or TokenKind.Operator && string.Equals(Text, text, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Splits a segment rule into tokens: numbers, 'text' (a doubled quote inside), names, and operators.</summary>
internal static class SegmentLexer
{
    private static readonly string[] Operators = ["<=", ">=", "!=", "<>", "=", "<", ">", "+", "-", "*", "/", "(", ")", ","];

    /// <exception cref="SegmentRuleException">An unterminated text, a malformed number or an unknown character.</exception>
    public static List<SegmentToken> Tokenize(string rule)
    {
        var tokens = new List<SegmentToken>();
        int i = 0;
        while (i < rule.Length)
        {
            char c = rule[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < rule.Length && char.IsAsciiDigit(rule[i + 1])))
            {
                int start = i;
                while (i < rule.Length && (char.IsAsciiDigit(rule[i]) || rule[i] == '.'))
                {
                    i++;
                }
                string text = rule[start..i];
                if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
                {
                    throw new SegmentRuleException(start + 1, text, "not a number");
                }
                tokens.Add(new SegmentToken(TokenKind.Number, text, start + 1, value));
            }
            else if (c == '\'')
            {
                tokens.Add(Quoted(rule, ref i));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = i;
                while (i < rule.Length && (char.IsAsciiLetterOrDigit(rule[i]) || rule[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new SegmentToken(TokenKind.Name, rule[start..i], start + 1));
            }
            else
            {
                string? op = Array.Find(Operators, o => string.CompareOrdinal(rule, i, o, 0, o.Length) == 0);
                if (op is null)
                {
                    throw new SegmentRuleException(i + 1, c.ToString(), "not part of the rule language (names, numbers, 'text', date 'yyyy-MM-dd', = != < <= > >= + - * /, and or not in is null)");
                }
                tokens.Add(new SegmentToken(TokenKind.Operator, op, i + 1));
                i += op.Length;
            }
        }
        tokens.Add(new SegmentToken(TokenKind.End, "", rule.Length + 1));
        return tokens;
    }

    private static SegmentToken Quoted(string rule, ref int i)
    {
        int start = i++;
        var text = new System.Text.StringBuilder();
        while (i < rule.Length)
        {
            if (rule[i] == '\'')
            {
                if (i + 1 < rule.Length && rule[i + 1] == '\'')
                {
                    text.Append('\'');
                    i += 2;
                    continue;
                }
                i++;
                return new SegmentToken(TokenKind.Text, text.ToString(), start + 1);
            }
            text.Append(rule[i++]);
        }
        throw new SegmentRuleException(start + 1, rule[start..], "text is not closed; end it with '");
    }
}
