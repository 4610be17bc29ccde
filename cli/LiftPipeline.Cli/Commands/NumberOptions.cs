using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// Number options (<c>int</c>, <c>long</c>, <c>double</c>, nullable or not) read their token in the invariant culture and
/// report a token that is not such a number as one line naming the option (<c>--arms '1e99' is not a whole number up to
/// 2147483647</c>), never the .NET type the library would name. Applied once to the whole command tree.
/// </summary>
internal static class NumberOptions
{
    /// <summary>Gives every number option of <paramref name="command"/> and its subcommands that has no parser of its own this one.</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> { CustomParser: null } o:
                    o.CustomParser = r => Whole(r, o.Name, int.MinValue, int.MaxValue) is long v ? (int)v : 0;
                    break;
                case Option<int?> { CustomParser: null } o:
                    o.CustomParser = r => Whole(r, o.Name, int.MinValue, int.MaxValue) is long v ? (int)v : null;
                    break;
                case Option<long> { CustomParser: null } o:
                    o.CustomParser = r => Whole(r, o.Name, long.MinValue, long.MaxValue) ?? 0;
                    break;
                case Option<long?> { CustomParser: null } o:
                    o.CustomParser = r => Whole(r, o.Name, long.MinValue, long.MaxValue);
                    break;
                case Option<double> { CustomParser: null } o:
                    o.CustomParser = r => Real(r, o.Name) ?? 0;
                    break;
                case Option<double?> { CustomParser: null } o:
                    o.CustomParser = r => Real(r, o.Name);
                    break;
            }
        }
        foreach (var subcommand in command.Subcommands)
        {
            Apply(subcommand);
        }
    }

    private static long? Whole(ArgumentResult result, string name, long min, long max)
    {
        string text = Token(result);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max)
        {
            return value;
        }
        bool number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real);
        result.AddError(number && Math.Abs(real) >= 1 && real == Math.Floor(real)
            ? $"{name} '{text}' is too large; give a whole number up to {max.ToString("N0", CultureInfo.InvariantCulture)}."
            : $"{name} '{text}' is not a whole number.");
        return null;
    }

    private static double? Real(ArgumentResult result, string name)
    {
        string text = Token(result);
        if (CommaListOption.TryNumber(text, out double value))
        {
            return value;
        }
        result.AddError($"{name} '{text}' is not a number.");
        return null;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
}
