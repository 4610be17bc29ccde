using System.CommandLine;
using System.Globalization;

namespace LiftPipeline.Cli.Hosting;

/// <summary>Durations on the command line: a number with a unit (<c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>) or a TimeSpan (<c>00:00:05</c>).</summary>
internal static class Duration
{
    /// <summary>Parses <paramref name="text"/>; null when it is not a positive duration.</summary>
    public static TimeSpan? TryParse(string text)
    {
        text = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, ms) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && n > 0 && n * ms < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(n * ms);
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }

    /// <summary>An option taking a duration, defaulting to <paramref name="defaultValue"/>; a value that is not a positive duration is a usage error naming it.</summary>
    public static Option<TimeSpan> Option(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (TryParse(text) is { } span)
            {
                return span;
            }
            result.AddError($"{name} '{text}' is not a positive duration; use e.g. 5s, 500ms, 2m or 00:00:05.");
            return default;
        },
    };
}
