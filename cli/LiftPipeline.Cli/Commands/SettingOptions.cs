using System.Globalization;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// A broken setting rule (<see cref="SettingError"/>) as one line under the CLI option that sets it: the rule is the
/// settings type's, so <c>--cap-quantile: is 1.5; …</c> says what campaign.json says at <c>holdout.capQuantile</c>.
/// </summary>
internal static class SettingOptions
{
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["alpha"] = "--alpha",
        ["control"] = "--control",
        ["allocation"] = "--allocation",
        ["contrasts"] = "--contrast",
        ["primaryContrast"] = "--primary-contrast",
        ["capQuantile"] = "--cap-quantile",
        ["sequentialTuningN"] = "--tuning-n",
        ["adjustment"] = "--adjustment",
    };

    /// <summary>
    /// <c>{option}{detail}: {message}</c>: the option of the setting, then the arm (<c>--allocation vbo</c>) or the
    /// 1-based item (<c>--contrast #1</c>) the rule is about.
    /// </summary>
    public static string Line(SettingError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string option = Options.GetValueOrDefault(error.Setting, error.Setting);
        string rest = error.Rest switch
        {
            "" => "",
            ['.', .. var arm] => " " + arm,
            ['[', .. var index] when int.TryParse(index.TrimEnd(']'), NumberStyles.None, CultureInfo.InvariantCulture, out int i) => $" #{i + 1}",
            var other => " " + other,
        };
        return $"{option}{rest}: {error.Message}";
    }

    /// <summary>Every broken rule on one line, separated by <c>"; "</c>, in the order given.</summary>
    public static string Line(IEnumerable<SettingError> errors) => string.Join("; ", errors.Select(Line));
}
