using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// Options that take a comma list in one token (<c>--sizes 2,3,4,5</c>, <c>--include chicago,portland</c>). A list that
/// is not the syntax is a parse error naming the option and the item, so it exits 2 before the command runs.
/// </summary>
internal static class CommaListOption
{
    /// <summary>Reads one item of a list; false when it is not the kind of value the option takes.</summary>
    public delegate bool ItemParser<T>(string item, out T value);

    /// <summary>Numbers such as <c>0,0.05,0.1</c> (invariant culture; negative values allowed).</summary>
    public static Option<IReadOnlyList<double>?> Numbers(string name, string description, string example) =>
        List<double>(name, description, example, "a number", TryNumber);

    /// <summary>Whole numbers such as <c>2,3,4,5</c>.</summary>
    public static Option<IReadOnlyList<int>?> WholeNumbers(string name, string description, string example) =>
        List<int>(name, description, example, "a whole number", (string item, out int value) => int.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value));

    /// <summary>Names such as <c>chicago,portland</c>, kept as given; an empty item is an error.</summary>
    public static Option<IReadOnlyList<string>?> Names(string name, string description, string example) =>
        List<string>(name, description, example, "a name", (string item, out string value) => (value = item).Length > 0);

    /// <summary>
    /// Name lists, one per occurrence of the option (<c>--locations a,b --locations c,d</c>), in the order given; each
    /// occurrence takes exactly one token, so a following FILE argument is never read as a list.
    /// </summary>
    public static Option<IReadOnlyList<IReadOnlyList<string>>?> RepeatedNames(string name, string description, string example) =>
        new(name)
        {
            Description = description,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                var lists = new List<IReadOnlyList<string>>(result.Tokens.Count);
                foreach (var token in result.Tokens)
                {
                    if (Parse(token.Value, (string item, out string value) => (value = item).Length > 0, out _) is not { } names)
                    {
                        result.AddError($"{name} '{token.Value}' has an empty item; give a comma list such as {example}.");
                        return null;
                    }
                    lists.Add(names);
                }
                return lists;
            },
        };

    /// <summary>A finite number in the invariant culture.</summary>
    public static bool TryNumber(string item, out double value) =>
        double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>The trimmed items of <paramref name="text"/>, or null with <paramref name="wrong"/> the first item that does not parse.</summary>
    public static List<T>? Parse<T>(string text, ItemParser<T> item, out string? wrong)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<T>(items.Length);
        foreach (var raw in items)
        {
            if (!item(raw, out T value))
            {
                wrong = raw;
                return null;
            }
            values.Add(value);
        }
        wrong = null;
        return values;
    }

    private static Option<IReadOnlyList<T>?> List<T>(string name, string description, string example, string kind, ItemParser<T> item) =>
        new(name)
        {
            Description = description,
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = result => Parse(result, name, example, kind, item),
        };

    private static List<T>? Parse<T>(ArgumentResult result, string name, string example, string kind, ItemParser<T> item)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Parse(text, item, out string? wrong) is not { } values)
        {
            result.AddError(wrong!.Length == 0
                ? $"{name} '{text}' has an empty item; give a comma list such as {example}."
                : $"{name} '{text}': '{wrong}' is not {kind}; give a comma list such as {example}.");
            return null;
        }
        return values;
    }
}
